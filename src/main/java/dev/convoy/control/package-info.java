/**
 * On-call controls: the driver's HTTP endpoint (JDK HttpServer on virtual threads, localhost by
 * default, bearer token for changes) and the {@code bin/convoy jobs|stop|start|restart} client.
 */
package dev.convoy.control;
