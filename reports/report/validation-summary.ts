/** @module Recognises a data-validation result among the metrics (`passed` + `checks: [{name, pass, …}]`) and summarises it. */

export interface ValidationCheck {
  readonly name: string;
  readonly pass: boolean;
  readonly value?: unknown;
  readonly op?: string;
  readonly threshold?: unknown;
}

export interface ValidationSummary {
  readonly path: string;
  readonly passed: boolean;
  readonly total: number;
  readonly failed: readonly ValidationCheck[];
}

/**
 * The format (docs/formats.md, "Data-validation results"): an object with `passed: boolean` and
 * `checks`, a list of objects with a `name` and a boolean `pass` (optionally value, op, threshold).
 * Anything else is not a validation result.
 */
export function validationSummary(path: string, value: unknown): ValidationSummary | undefined {
  if (!isRecord(value) || typeof value.passed !== 'boolean' || !Array.isArray(value.checks)) return undefined;
  const checks: ValidationCheck[] = [];
  for (const c of value.checks) {
    if (!isRecord(c) || typeof c.name !== 'string' || typeof c.pass !== 'boolean') return undefined;
    checks.push({
      name: c.name,
      pass: c.pass,
      ...(c.value !== undefined ? { value: c.value } : {}),
      ...(typeof c.op === 'string' ? { op: c.op } : {}),
      ...(c.threshold !== undefined ? { threshold: c.threshold } : {}),
    });
  }
  return { path, passed: value.passed, total: checks.length, failed: checks.filter((c) => !c.pass) };
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
