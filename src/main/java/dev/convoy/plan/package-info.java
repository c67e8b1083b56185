/**
 * What applying a new configuration to a running driver does: a {@link dev.convoy.plan.Plan} says, job
 * by job, add, remove, restart alone, restart fresh into a new table or keep, and which changes are
 * refused because a checkpoint could not survive them or they need a step restart. The config's
 * {@code Planner} makes it; the control endpoint returns it; the driver applies it.
 */
package dev.convoy.plan;
