/**
 * Live changes to a running driver: {@link dev.convoy.plan.Planner} compares the configuration the
 * driver runs with against a new one and says, job by job, what applying it does (add, remove,
 * restart alone, restart fresh into a new table, keep) and which changes it refuses because a
 * checkpoint could not survive them or they need a step restart. It decides; the driver applies.
 */
package dev.convoy.plan;
