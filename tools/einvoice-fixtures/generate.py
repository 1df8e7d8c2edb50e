#!/usr/bin/env python3
"""Compute the expected KoSIT verdict of every mutation recipe and write it back.

Reads crates/verbund-einvoice/tests/fixtures/mutations.toml, applies each recipe's edits to its
source invoice from ../shared/testdata/xrechnung-testsuite into a temporary directory, runs the
KoSIT reference pipeline (../shared/tools/kosit-reference/kosit_ref.py) once over all of them,
and rewrites the recipe file with each recipe's `[recipe.expected]` table. The mutated XML is
never kept. Output is deterministic: same recipes + same reference = byte-identical file.

Usage: see README.md next to this file.
"""
import argparse
import os
import re
import subprocess
import sys
import tempfile
import time
import tomllib

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.abspath(os.path.join(HERE, '..', '..'))
DEFAULT_RECIPES = os.path.join(REPO, 'crates', 'verbund-einvoice', 'tests', 'fixtures', 'mutations.toml')

NAME = re.compile(r'^[a-z0-9][a-z0-9._-]*$')
VERDICTS = ('accept', 'reject', 'undefined')
# Pseudo ids kosit_ref.py writes into the error column for the stages before the schematron.
PSEUDO = {'WELLFORMEDNESS': 'wellformedness', 'NO-SCENARIO': 'scenario', 'XSD': 'xsd'}

HEADER = """\
# Negative (and a few positive) test fixtures for the XRechnung validator, as RECIPES:
# `source` is relative to ../shared/testdata/xrechnung-testsuite, `edits` are exact-substring
# replacements applied in order (each `find` must occur; `all = true` replaces every occurrence,
# otherwise only the first). `[recipe.expected]` is computed by tools/einvoice-fixtures/generate.py
# with the KoSIT reference pipeline; do not edit it by hand, re-run the generator.
#
# expected.verdict   accept | reject | undefined (KoSIT recommendation)
# expected.stage     wellformedness | scenario | xsd | schematron (where the decision fell)
# expected.scenario  the KoSIT scenario name; absent when no scenario matched or not XML
# expected.errors    rule ids with level error after the scenario's customLevel, sorted
# expected.warnings  rule ids with level warning after customLevel, sorted
# expected.infos     rule ids with level information after customLevel, sorted
"""


def find_shared(start):
    d = start
    while True:
        cand = os.path.join(d, 'shared')
        if os.path.isdir(os.path.join(cand, 'testdata')):
            return cand
        parent = os.path.dirname(d)
        if parent == d:
            sys.exit('generate.py: no ancestor of %s has shared/testdata; pass --shared' % start)
        d = parent


def apply(recipe, suite):
    """The mutated bytes of one recipe, or a message when a `find` does not occur."""
    path = os.path.join(suite, recipe['source'])
    with open(path, 'rb') as f:
        source = f.read()
    text = source.decode('utf-8')
    for i, e in enumerate(recipe.get('edits', [])):
        find, replace = e['find'], e.get('replace', '')
        if not find or find not in text:
            return None, 'recipe %s: edit %d: find %r does not occur' % (recipe['name'], i, find[:80])
        text = text.replace(find, replace) if e.get('all', False) else text.replace(find, replace, 1)
    mutated = text.encode('utf-8')
    if mutated == source:
        return None, 'recipe %s: the edits leave the source unchanged' % recipe['name']
    return mutated, None


def check_recipes(recipes, suite):
    seen = set()
    for r in recipes:
        name = r.get('name', '')
        if not NAME.match(name):
            sys.exit('recipe name %r: use lower case letters, digits, ".", "_", "-"' % name)
        if name in seen:
            sys.exit('recipe name %r is not unique' % name)
        seen.add(name)
        for key in ('source', 'purpose', 'family'):
            if not r.get(key):
                sys.exit('recipe %s: %s missing' % (name, key))
        cii_name, cii_source = name.startswith('cii-'), r['source'].endswith('_uncefact.xml')
        if not (name.startswith('ubl-') or cii_name) or cii_name != cii_source:
            sys.exit('recipe %s: name must start with cii- for CII sources, ubl- (ubl-cn- for credit notes) for UBL' % name)
        if not os.path.isfile(os.path.join(suite, r['source'])):
            sys.exit('recipe %s: source %s not found' % (name, r['source']))
        unknown = set(r) - {'name', 'family', 'source', 'purpose', 'edits', 'expected'}
        if unknown:
            sys.exit('recipe %s: unknown keys %s' % (name, sorted(unknown)))


def ids(cell):
    return sorted({i for i in cell.split(',') if i and i not in PSEUDO})


def expected_of(row):
    (_file, _syntax, scenario, xsd_ok, _fatal, errors, warnings, infos, verdict, _ms) = row
    stage = 'schematron'
    for pseudo, name in PSEUDO.items():
        if errors == pseudo or (pseudo == 'XSD' and xsd_ok == 'false'):
            stage = name
            break
    exp = {'verdict': verdict, 'stage': stage}
    if scenario not in ('-', 'none', 'ambiguous', ''):
        exp['scenario'] = scenario
    exp['errors'] = ids(errors)
    exp['warnings'] = ids(warnings)
    exp['infos'] = ids(infos)
    assert verdict in VERDICTS, row
    return exp


def q(s):
    """A TOML basic string."""
    out = []
    for ch in s:
        o = ord(ch)
        if ch == '"':
            out.append('\\"')
        elif ch == '\\':
            out.append('\\\\')
        elif ch == '\n':
            out.append('\\n')
        elif ch == '\t':
            out.append('\\t')
        elif ch == '\r':
            out.append('\\r')
        elif o < 0x20 or o == 0x7f:
            out.append('\\u%04X' % o)
        else:
            out.append(ch)
    return '"' + ''.join(out) + '"'


def qlist(items):
    return '[' + ', '.join(q(i) for i in items) + ']'


def render(recipes):
    out = [HEADER]
    for r in recipes:
        out.append('\n[[recipe]]\n')
        for key in ('name', 'family', 'source', 'purpose'):
            out.append('%s = %s\n' % (key, q(r[key])))
        out.append('edits = [\n')
        for e in r.get('edits', []):
            line = '  { find = %s, replace = %s' % (q(e['find']), q(e.get('replace', '')))
            if e.get('all', False):
                line += ', all = true'
            out.append(line + ' },\n')
        out.append(']\n')
        exp = r.get('expected')
        if exp:
            out.append('[recipe.expected]\n')
            out.append('verdict = %s\n' % q(exp['verdict']))
            out.append('stage = %s\n' % q(exp['stage']))
            if 'scenario' in exp:
                out.append('scenario = %s\n' % q(exp['scenario']))
            for key in ('errors', 'warnings', 'infos'):
                out.append('%s = %s\n' % (key, qlist(exp.get(key, []))))
    return ''.join(out)


def syntax_of(recipe):
    """By the naming convention: `cii-…` (CII source), `ubl-cn-…` (UBL turned into a CreditNote), `ubl-…`."""
    if recipe['name'].startswith('cii-'):
        return 'CII'
    if recipe['name'].startswith('ubl-cn-'):
        return 'UBL-CreditNote'
    return 'UBL-Invoice'


def rule_family(rule_id):
    """BR-CO-14 -> BR-CO, BR-DE-23-a -> BR-DE, BR-12 -> BR, PEPPOL-EN16931-R008 -> PEPPOL."""
    if rule_id.startswith('PEPPOL-'):
        return 'PEPPOL'
    parts = rule_id.split('-')
    head = [p for p in parts if not p[:1].isdigit()]
    return '-'.join(head[:3] if head[:2] == ['BR', 'DE'] and len(head) > 2 and head[2] in ('CVD', 'TMP') else head[:2])


def stats(recipes):
    """Markdown tables: recipes per targeted family and syntax; rule ids seen per rule family."""
    syntaxes = ['UBL-Invoice', 'UBL-CreditNote', 'CII']
    table = {}
    for r in recipes:
        row = table.setdefault(r['family'], dict.fromkeys(syntaxes, 0))
        row[syntax_of(r)] += 1
    out = ['| targeted family | UBL Invoice | UBL CreditNote | CII | total |', '| --- | --- | --- | --- | --- |']
    for fam in sorted(table):
        row = table[fam]
        out.append('| %s | %s | %d |' % (fam, ' | '.join(str(row[s]) for s in syntaxes), sum(row.values())))
    totals = {s: sum(t[s] for t in table.values()) for s in syntaxes}
    out.append('| **total** | %s | **%d** |' % (' | '.join('**%d**' % totals[s] for s in syntaxes), len(recipes)))
    seen = {}
    for r in recipes:
        exp = r.get('expected') or {}
        for key in ('errors', 'warnings', 'infos'):
            for rid in exp.get(key, []):
                seen.setdefault(rule_family(rid), set()).add(rid)
    verdicts = {}
    for r in recipes:
        exp = r.get('expected') or {}
        k = (exp.get('verdict', '?'), exp.get('stage', '?'))
        verdicts[k] = verdicts.get(k, 0) + 1
    out += ['', '| verdict | stage | recipes |', '| --- | --- | --- |']
    out += ['| %s | %s | %d |' % (v, st, n) for (v, st), n in sorted(verdicts.items())]
    out += ['', '| rule family | distinct ids in the expectations |', '| --- | --- |']
    out += ['| %s | %d |' % (fam, len(ids)) for fam, ids in sorted(seen.items())]
    return '\n'.join(out)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('--recipes', default=DEFAULT_RECIPES, help='the recipe file (rewritten in place)')
    ap.add_argument('--shared', help='the shared/ directory (default: first ancestor with shared/testdata)')
    ap.add_argument('--check', action='store_true',
                    help='do not write; exit 1 when the file would change (drift of recipes or reference)')
    ap.add_argument('--stats', action='store_true',
                    help='print coverage tables (markdown) of the recipe file and exit; needs no reference')
    ap.add_argument('--keep', metavar='DIR', help='also write the mutated files and the TSV into DIR (debugging)')
    args = ap.parse_args()

    if args.stats:
        with open(args.recipes, 'rb') as f:
            print(stats(tomllib.load(f).get('recipe', [])))
        return
    t0 = time.perf_counter()
    shared = os.path.abspath(args.shared) if args.shared else find_shared(REPO)
    suite = os.path.join(shared, 'testdata', 'xrechnung-testsuite')
    kosit = os.path.join(shared, 'tools', 'kosit-reference', 'kosit_ref.py')
    with open(args.recipes, 'rb') as f:
        recipes = tomllib.load(f).get('recipe', [])
    check_recipes(recipes, suite)

    with tempfile.TemporaryDirectory(prefix='einvoice-fixtures-') as tmp:
        work = args.keep or tmp
        xml_dir = os.path.join(work, 'xml')
        os.makedirs(xml_dir, exist_ok=True)
        problems = []
        for r in recipes:
            mutated, problem = apply(r, suite)
            if problem:
                problems.append(problem)
                continue
            with open(os.path.join(xml_dir, r['name'] + '.xml'), 'wb') as f:
                f.write(mutated)
        if problems:
            sys.exit('\n'.join(problems))
        tsv = os.path.join(work, 'verdicts.tsv')
        subprocess.run([sys.executable, kosit, xml_dir, '--out', tsv], check=True)
        with open(tsv, encoding='utf-8') as f:
            rows = [line.rstrip('\n').split('\t') for line in f][1:]
    by_file = {row[0]: row for row in rows}
    for r in recipes:
        row = by_file.get(r['name'] + '.xml')
        if row is None:
            sys.exit('recipe %s: no verdict from kosit_ref.py' % r['name'])
        r['expected'] = expected_of(row)

    text = render(recipes)
    with open(args.recipes, encoding='utf-8') as f:
        old = f.read()
    counts = {}
    for r in recipes:
        counts[r['expected']['verdict']] = counts.get(r['expected']['verdict'], 0) + 1
    summary = ', '.join('%s %d' % kv for kv in sorted(counts.items()))
    print('generate.py: %d recipes (%s) in %.1f s' % (len(recipes), summary, time.perf_counter() - t0),
          file=sys.stderr)
    if args.check:
        if text != old:
            sys.exit('generate.py --check: %s is out of date; run generate.py' % args.recipes)
        return
    if text != old:
        with open(args.recipes, 'w', encoding='utf-8') as f:
            f.write(text)
        print('generate.py: rewrote %s' % args.recipes, file=sys.stderr)


if __name__ == '__main__':
    main()
