/**
 * Coded jobs that ship as examples of the typed {@link dev.convoy.job.CodedJob} API; a team's own
 * jobs live in their own jar, named the same way in the config ({@code code: com.example.MyJob}).
 */
package dev.convoy.examples;
