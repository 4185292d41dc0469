/**
 * The OpenAPI document served at /openapi.json as a checker of answers: each operation by id,
 * and `check`, which validates an answer's status, declared headers and JSON body against the
 * document with a JSON Schema 2020-12 validator (ajv). Shared by the contract test (every
 * operation, every role) and the tests that provoke rarer answers (429) on stacks of their own.
 */
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';

export interface Operation {
  id: string;
  method: string;
  path: string;
  roles: string[] | null;
  responses: Record<string, { headers?: Record<string, { required?: boolean; schema: object }>; content?: Record<string, { schema: object }> }>;
  pointer: string;
}

export interface Answer {
  status: number;
  headers: Headers;
  text: string;
  json: Record<string, unknown>;
}

export type OpenApiDocument = { paths: Record<string, Record<string, Omit<Operation, 'id' | 'method' | 'path' | 'pointer' | 'roles'> & { operationId: string; 'x-roles'?: string[] }>> };

export const pointerPart = (s: string): string => s.replace(/~/g, '~0').replace(/\//g, '~1');

export class ContractDocument {
  readonly operations = new Map<string, Operation>();
  readonly ajv = new Ajv2020({ strict: false, allErrors: true });
  private readonly validators = new Map<string, ValidateFunction>();

  constructor(readonly doc: OpenApiDocument) {
    this.ajv.addSchema(doc as object, 'openapi');
    for (const [p, methods] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(methods)) {
        this.operations.set(op.operationId, { id: op.operationId, method: method.toUpperCase(), path: p, roles: op['x-roles'] ?? null, responses: op.responses, pointer: `openapi#/paths/${pointerPart(p)}/${method}` });
      }
    }
  }

  static async fetch(url: string): Promise<ContractDocument> {
    return new ContractDocument((await (await fetch(`${url}/openapi.json`)).json()) as OpenApiDocument);
  }

  validator(ref: string): ValidateFunction {
    let v = this.validators.get(ref);
    if (!v) this.validators.set(ref, (v = this.ajv.compile({ $ref: ref })));
    return v;
  }

  /** Validate one answer against the operation's declared response for its status; what is wrong goes to `violations`. */
  check(op: Operation, a: Answer, label: string, violations: string[]): void {
    const declared = op.responses[String(a.status)];
    if (!declared) {
      violations.push(`${label}: status ${a.status} is not declared (${a.text.slice(0, 200)})`);
      return;
    }
    for (const [name, h] of Object.entries(declared.headers ?? {})) {
      const value = a.headers.get(name);
      if (value === null) {
        if (h.required) violations.push(`${label}: header ${name} is declared required but missing`);
        continue;
      }
      const v = this.validator(`${op.pointer}/responses/${a.status}/headers/${pointerPart(name)}/schema`);
      if (!v(value)) violations.push(`${label}: header ${name}=${value}: ${this.ajv.errorsText(v.errors)}`);
    }
    const content = declared.content?.['application/json'];
    if (!content) return;
    const v = this.validator(`${op.pointer}/responses/${a.status}/content/application~1json/schema`);
    if (!v(a.json)) violations.push(`${label}: body: ${this.ajv.errorsText(v.errors?.slice(0, 5), { separator: '; ' })}`);
  }
}
