/** JUnit XML, for CI dashboards and LMS plugins that read it: one testcase per scenario. */
import type { GradeReport } from "./report.js";

export function xmlEscape(text: string): string {
  // Control characters other than tab/newline are not allowed in XML 1.0 at all.
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/g, "\uFFFD").replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

export function junitXml(report: GradeReport): string {
  const failures = report.results.filter((result) => result.status === "failed").length;
  const cases = report.results.map((result) => {
    const open = `  <testcase classname="${xmlEscape(report.lab)}" name="${xmlEscape(result.scenario)}" time="${(result.wallMs / 1000).toFixed(3)}">`;
    const body: string[] = [];
    if (result.status === "failed") {
      const text = [result.details, result.seed !== undefined ? `seed: ${result.seed}` : undefined, `replay: ${result.replay}`].filter(Boolean).join("\n\n");
      body.push(`    <failure message="${xmlEscape(result.message)}" type="${xmlEscape(result.exit)}">${xmlEscape(text)}</failure>`);
    }
    body.push(
      `    <properties><property name="points" value="${result.points}"/><property name="max_points" value="${result.maxPoints}"/><property name="visibility" value="${result.visibility}"/><property name="isolation" value="${xmlEscape(result.isolation)}"/></properties>`,
    );
    if (result.log) body.push(`    <system-out>${xmlEscape(result.log)}</system-out>`);
    return [open, ...body, "  </testcase>"].join("\n");
  });
  return [
    `<?xml version="1.0" encoding="UTF-8"?>`,
    `<testsuites name="pardis" tests="${report.results.length}" failures="${failures}" time="${(report.executionMs / 1000).toFixed(3)}">`,
    `<testsuite name="${xmlEscape(report.lab)}" tests="${report.results.length}" failures="${failures}" errors="0" time="${(report.executionMs / 1000).toFixed(3)}">`,
    `  <properties><property name="submission" value="${xmlEscape(report.submission)}"/><property name="score" value="${report.score}"/><property name="max_score" value="${report.maxScore}"/><property name="isolation" value="${xmlEscape(report.isolation)}"/></properties>`,
    ...cases,
    `</testsuite>`,
    `</testsuites>`,
    "",
  ].join("\n");
}
