/**
 * Configuration parsed once into validated values: durations and, with the driver, job specs.
 * The rest of the code never sees raw strings for what this package parses.
 */
package dev.convoy.config;
