/** What to tell a person about a failure: the one helper every log line, status and CLI message uses. */
package dev.convoy.errors;
