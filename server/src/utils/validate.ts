import { errors } from '@strapi/utils';
import type { z } from 'zod';

/** Parses a request body/query with a zod schema; a failure is a 400 naming every bad path. */
export function parseOrThrow<T extends z.ZodTypeAny>(schema: T, input: unknown, where: 'body' | 'query'): z.infer<T> {
  const result = schema.safeParse(input ?? {});
  if (result.success) return result.data;
  const issues = result.error.issues.flatMap((issue) =>
    // a union's issues hide inside: report the branch that got furthest
    issue.code === 'invalid_union'
      ? issue.unionErrors.sort((a, b) => b.issues[0].path.length - a.issues[0].path.length)[0].issues
      : [issue]
  );
  const describe = (issue: z.ZodIssue) => `${[where, ...issue.path].join('.')}: ${issue.message}`;
  throw new errors.ValidationError(issues.map(describe).join('; '), {
    errors: issues.map((issue) => ({ path: [where, ...issue.path.map(String)], message: issue.message, name: 'ValidationError' })),
  });
}
