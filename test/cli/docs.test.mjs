// docs/json.md against the types the library exports: every field a --json document can
// have is documented, and nothing is documented that the type lacks. The types are read
// with the TypeScript compiler from src/index.ts, the same declarations dist/index.d.ts
// is made from, so a field added to a result type without a line in the reference fails
// here. A real `verify --json` run is compared with the reference too: the types say what
// may be there, the run shows what is.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import ts from 'typescript';
import { repoRoot, runCli, tempDir } from '../helpers/cli.mjs';

const JSON_DOC = 'docs/json.md';

/** The --json documents docs/json.md must describe, each a type src/index.ts exports. */
const DOCUMENTS = ['CertsResult', 'CheckResult', 'RenewResult', 'InstallCaResult', 'VerifyResult', 'InitResult', 'ErrorDocument'];

// ---- what the types say ------------------------------------------------------------

function loadTypes() {
  const configPath = join(repoRoot, 'tsconfig.json');
  const config = ts.getParsedCommandLineOfConfigFile(
    configPath,
    {},
    { ...ts.sys, onUnRecoverableConfigFileDiagnostic: (d) => assert.fail(String(d.messageText)) },
  );
  const indexPath = join(repoRoot, 'src', 'index.ts');
  const program = ts.createProgram({ rootNames: [indexPath], options: { ...config.options, noEmit: true } });
  const checker = program.getTypeChecker();
  const exported = new Map();
  for (const symbol of checker.getExportsOfModule(checker.getSymbolAtLocation(program.getSourceFile(indexPath)))) {
    const target = symbol.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(symbol) : symbol;
    if (target.flags & (ts.SymbolFlags.Interface | ts.SymbolFlags.TypeAlias)) exported.set(symbol.name, checker.getDeclaredTypeOfSymbol(target));
  }
  return { checker, exported };
}

function isObjectLike(type) {
  if (type.isUnion() || type.isIntersection()) return type.types.every(isObjectLike);
  return (type.flags & ts.TypeFlags.Object) !== 0;
}

/** The name a reader sees for a named object type (interface or alias); undefined for `{ ... }` written inline. */
function typeName(type) {
  if (type.aliasSymbol) return type.aliasSymbol.name;
  const name = type.symbol?.name;
  return name && !name.startsWith('__') ? name : undefined;
}

/** What a property holds, without null/undefined, arrays unwrapped (with `[]` to say so). */
function elementOf(checker, type) {
  const present = checker.getNonNullableType(type);
  return checker.isArrayType(present) ? { type: checker.getTypeArguments(present)[0], array: '[]' } : { type: present, array: '' };
}

/**
 * The fields of an object type as docs/json.md writes them: `name`, `name?` when optional,
 * `parent.child` inside an object written inline, `list[].child` inside an inline array
 * element. Named object types are not expanded: they are listed in `references`, and
 * have a section of their own; `...Name` stands for all the fields of Name.
 */
function fieldsOf(checker, type, prefix = '', references = new Map()) {
  const fields = [];
  // `A & { more }` (a certs result is a certificate summary plus how to trust it) is
  // documented as `...A` and the fields of `{ more }`.
  if (type.isIntersection() && type.types.some((member) => typeName(member))) {
    for (const member of type.types) {
      const named = typeName(member);
      if (named) {
        fields.push(`...${named}`);
        references.set(named, member);
      } else fields.push(...fieldsOf(checker, member, prefix, references).fields);
    }
    return { fields, references };
  }
  for (const property of checker.getPropertiesOfType(type)) {
    const optional = (property.flags & ts.SymbolFlags.Optional) !== 0;
    const name = `${prefix}${property.name}`;
    fields.push(`${name}${optional ? '?' : ''}`);
    const { type: inner, array } = elementOf(checker, checker.getTypeOfSymbol(property));
    if (!isObjectLike(inner) || checker.isArrayType(inner)) continue;
    const named = typeName(inner);
    if (named) references.set(named, inner);
    else fields.push(...fieldsOf(checker, inner, `${name}${array}.`, references).fields);
  }
  return { fields, references };
}

/** A union of objects whose members have different fields (a timeline entry): its variants, keyed by `type`. */
function variantsOf(checker, type) {
  if (!type.isUnion()) return undefined;
  const names = type.types.map((member) =>
    checker
      .getPropertiesOfType(member)
      .map((property) => property.name)
      .sort()
      .join(','),
  );
  if (new Set(names).size === 1) return undefined;
  const common = checker.getPropertiesOfType(type).map((property) => property.name);
  const variants = new Map();
  for (const member of type.types) {
    const discriminant = checker.getTypeOfSymbol(checker.getPropertyOfType(member, 'type'));
    assert.ok(discriminant.isStringLiteral(), `${typeName(type)}: a member without a literal 'type'`);
    const own = checker.getPropertiesOfType(member).filter((property) => !common.includes(property.name));
    variants.set(
      discriminant.value,
      own.map((property) => `${property.name}${property.flags & ts.SymbolFlags.Optional ? '?' : ''}`),
    );
  }
  return { common, variants };
}

// ---- what the reference says --------------------------------------------------------

/** The backticked names in a table cell: `a`, `b?` -> ['a', 'b?']. */
function namesIn(cell) {
  return [...cell.matchAll(/`([^`]+)`/g)].map((match) => match[1]);
}

/**
 * docs/json.md's type sections: a heading ending in a backticked type name, then a table
 * whose first column is `field` (one field a row) or `type` (a timeline entry's type, and
 * its fields in the second column).
 */
function documentedSections(markdown) {
  const sections = new Map();
  let current;
  for (const line of markdown.split('\n')) {
    const heading = line.match(/^#{2,4} .*`([A-Z]\w*)`\s*$/);
    if (heading) {
      assert.ok(!sections.has(heading[1]), `${JSON_DOC} has two sections for ${heading[1]}`);
      current = { fields: [], variants: new Map(), table: undefined };
      sections.set(heading[1], current);
      continue;
    }
    if (/^#{1,4} /.test(line)) current = undefined;
    if (!current || !line.startsWith('|')) continue;
    const cells = line
      .split(/(?<!\\)\|/)
      .slice(1, -1)
      .map((cell) => cell.trim());
    if (/^-+$/.test(cells[0])) continue;
    if (cells[0] === 'field' || cells[0] === 'type') {
      current.table = cells[0];
      continue;
    }
    if (current.table === 'field') current.fields.push(...namesIn(cells[0]));
    else if (current.table === 'type') current.variants.set(namesIn(cells[0])[0], namesIn(cells[1] ?? ''));
  }
  return sections;
}

function difference(label, documented, actual) {
  const extra = documented.filter((name) => !actual.includes(name));
  const missing = actual.filter((name) => !documented.includes(name));
  const lines = [];
  if (extra.length > 0) lines.push(`${label}: documented but not in the type: ${extra.join(', ')}`);
  if (missing.length > 0) lines.push(`${label}: in the type but not documented: ${missing.join(', ')}`);
  return lines;
}

/** Every mismatch between docs/json.md and the exported types, one line each. */
export function compareReference(markdown, { checker, exported }) {
  const sections = documentedSections(markdown);
  const problems = [];
  const queue = [];
  for (const name of DOCUMENTS) {
    const type = exported.get(name);
    if (!type) problems.push(`src/index.ts does not export the type ${name}`);
    else queue.push([name, type]);
  }
  const seen = new Set();
  while (queue.length > 0) {
    const [name, type] = queue.shift();
    if (seen.has(name)) continue;
    seen.add(name);
    const section = sections.get(name);
    if (!section) {
      problems.push(`${JSON_DOC} has no section for ${name} (a heading ending in \`${name}\` with a field table)`);
      continue;
    }
    const union = variantsOf(checker, type);
    if (union) {
      problems.push(...difference(`${name} (fields every entry has)`, section.fields, union.common));
      problems.push(...difference(`${name} (its types)`, [...section.variants.keys()], [...union.variants.keys()]));
      for (const [variant, fields] of union.variants) {
        if (section.variants.has(variant)) problems.push(...difference(`${name} type ${variant}`, section.variants.get(variant), fields));
      }
      continue;
    }
    const { fields, references } = fieldsOf(checker, type);
    problems.push(...difference(name, section.fields, fields));
    for (const entry of references) queue.push(entry);
  }
  for (const name of sections.keys()) if (!seen.has(name)) problems.push(`${JSON_DOC} documents ${name}, which no --json document holds`);
  return problems;
}

/** A real document's keys: each one documented, and every field documented without `?` there. */
function assertHasFields(keys, documented, label) {
  const all = documented.map((field) => field.replace(/\?$/, ''));
  assert.deepEqual(
    keys.filter((key) => !all.includes(key)),
    [],
    `${label}: fields the reference does not list`,
  );
  assert.deepEqual(
    documented.filter((field) => !field.endsWith('?') && !keys.includes(field)),
    [],
    `${label}: fields the reference promises but the document lacks`,
  );
}

const types = loadTypes();

test('docs/json.md documents every field of every --json document, and no field the types lack', () => {
  const problems = compareReference(readFileSync(join(repoRoot, JSON_DOC), 'utf8'), types);
  assert.deepEqual(problems, [], `${JSON_DOC} and the types src/index.ts exports disagree:\n  ${problems.join('\n  ')}`);
});

test('the comparison notices a renamed, a missing and an invented field', () => {
  const markdown = readFileSync(join(repoRoot, JSON_DOC), 'utf8');
  const renamed = markdown.replace('| `timeoutMs` |', '| `timeout` |');
  assert.notEqual(renamed, markdown, 'the reference documents VerifyResult.timeoutMs');
  assert.deepEqual(compareReference(renamed, types), [
    'VerifyResult: documented but not in the type: timeout',
    'VerifyResult: in the type but not documented: timeoutMs',
  ]);
  const optional = markdown.replace('| `curve?` |', '| `curve` |');
  assert.ok(
    compareReference(optional, types).some((line) => /documented but not in the type: curve$/.test(line)),
    'optionality counts',
  );
});

test('a real verify --json document has exactly the fields docs/json.md lists for VerifyResult and its timeline entries', async (t) => {
  const dir = tempDir(t);
  const made = await runCli(['init', join(dir, 'demo'), '--yes', '--no-verify']);
  assert.equal(made.code, 0, made.stderr);
  const run = await runCli(['verify', join(dir, 'demo'), '--json']);
  assert.equal(run.code, 0, run.stderr);
  const json = JSON.parse(run.stdout);
  const sections = documentedSections(readFileSync(join(repoRoot, JSON_DOC), 'utf8'));
  const topLevel = sections.get('VerifyResult').fields.filter((field) => !field.includes('.'));
  assertHasFields(Object.keys(json), topLevel, 'verify --json');
  const timeline = sections.get('TimelineEntry');
  for (const entry of json.timeline) {
    assert.ok(timeline.variants.has(entry.type), `timeline type ${entry.type} is documented`);
    assertHasFields(Object.keys(entry), [...timeline.fields, ...timeline.variants.get(entry.type)], `timeline entry ${entry.type}`);
  }
});
