#!/usr/bin/env python3
"""Search for invoices on which the engine and the KoSIT reference disagree.

Makes random structured mutations of the official test suite's invoices (delete, duplicate or
re-type a leaf element, change an attribute, drop an aggregate, take a value from another
invoice), runs the reference pipeline and `verbund einvoice validate --format json` over them,
and prints every case whose outcome differs as a `[[recipe]]` ready for mutations.toml (then run
generate.py to compute its expectations). The comparison is the one of tests/differential.rs.
Nothing is written into the repository; the mutated files stay in --work.

Usage:
    python3 tools/einvoice-fixtures/explore.py --count 500 --seed 1 [--edits 2] [--verbund target/debug/verbund]
    python3 tools/einvoice-fixtures/explore.py --duplicates 5   # every element written twice instead
"""
import argparse
import json
import os
import random
import re
import shutil
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import generate  # noqa: E402  (same directory)

LEAF = re.compile(r'<((?:cbc|ram|udt|qdt):[A-Za-z]+)((?:\s+[A-Za-z:]+="[^"]*")*)\s*>([^<]*)</\1>')
ATTR = re.compile(r'\s([A-Za-z]+)="([^"]*)"')
AGGREGATE = re.compile(r'<((?:cac|ram):[A-Za-z]+)(?:\s[^>]*)?>')
OURS_BEFORE_RULES = {'VB-EINV-XSD', 'VB-EINV-UNSAFE'}
TAG = re.compile(r'<(/?)((?:[A-Za-z][\w.-]*:)?[A-Za-z][\w.-]*)(?:\s[^>]*?)?(/?)>|<!--.*?-->|<\?.*?\?>|<!\[CDATA\[.*?\]\]>',
                 re.S)

TEXT_VARIANTS = [
    lambda t: '',
    lambda t: ' ',
    lambda t: '0',
    lambda t: '-1',
    lambda t: ' ' + t + ' ',
    lambda t: t.lower(),
    lambda t: t.upper(),
    lambda t: t + 'X',
    lambda t: t[:-1],
    lambda t: t + t,
    lambda t: 'XX',
    lambda t: '1.005',
    lambda t: '100000000000000000.00',
    lambda t: '2024-02-30',
    lambda t: '20240230',
]


def numeric_variants(t):
    try:
        v = float(t)
    except ValueError:
        return []
    decimals = len(t.split('.')[1]) if '.' in t else 0
    fmt = '%.' + str(decimals) + 'f'
    step = 10 ** -decimals if decimals else 1
    return [fmt % (v + step), fmt % (v - step), fmt % -v, t + '0', t + '.001', fmt % (v * 10)]


def uniquely(text, pos, length):
    """A `find` string whose first occurrence in `text` starts at `pos` (extending leftwards)."""
    start = pos
    while text.find(text[start:pos + length]) != start:
        nl = text.rfind('\n', 0, start - 1)
        start = 0 if nl < 0 else nl
    return start, text[start:pos + length]


def leaves(text):
    return list(LEAF.finditer(text))


def mutate_once(text, rng, pool):
    """One random edit (find, replace, description) applied to `text`, or None."""
    ls = leaves(text)
    if not ls:
        return None
    kind = rng.choice(['delete', 'text', 'text', 'text', 'duplicate', 'attribute', 'attribute', 'pool',
                       'pool', 'aggregate'])
    if kind == 'aggregate':
        opens = list(AGGREGATE.finditer(text))
        rng.shuffle(opens)
        for m in opens[:20]:
            name = m.group(1)
            close = text.find('</%s>' % name, m.end())
            nested = text.find('<%s' % name, m.end())
            if close < 0 or (0 <= nested < close and text[nested + len(name) + 1] in ' >'):
                continue
            end = close + len(name) + 3
            begin = text.rfind('\n', 0, m.start())
            begin = m.start() if begin < 0 else begin
            s, find = uniquely(text, begin, end - begin)
            return find, find[:begin - s], 'delete %s' % name
        return None
    m = rng.choice(ls)
    name, attrs, value = m.group(1), m.group(2), m.group(3)
    if kind == 'delete':
        begin = text.rfind('\n', 0, m.start())
        begin = m.start() if begin < 0 else begin
        s, find = uniquely(text, begin, m.end() - begin)
        return find, find[:begin - s], 'delete %s' % name
    if kind == 'duplicate':
        s, find = uniquely(text, m.start(), m.end() - m.start())
        return find, find + m.group(0), 'duplicate %s' % name
    if kind == 'attribute':
        found = list(ATTR.finditer(attrs))
        if not found:
            kind = 'text'
        else:
            a = rng.choice(found)
            options = ['', a.group(2).lower(), a.group(2) + 'X', 'USD', 'XXX', '0088', '0204', '9930',
                       'EA', 'C62', 'VAT', 'GST', 'EM', None]
            new = rng.choice(options)
            tag_open = text[m.start():m.start() + len(name) + 1 + len(attrs) + 1]
            if new is None:
                new_attrs = attrs[:a.start()] + attrs[a.end():]
                desc = 'drop @%s of %s' % (a.group(1), name)
            else:
                new_attrs = attrs[:a.start()] + ' %s="%s"' % (a.group(1), new) + attrs[a.end():]
                desc = '@%s of %s = %r' % (a.group(1), name, new)
            s, find = uniquely(text, m.start(), len(tag_open))
            return find, find[:m.start() - s] + '<' + name + new_attrs + '>', desc
    if kind == 'pool':
        others = [v for v in pool.get(name, ()) if v != value]
        if not others:
            kind = 'text'
        else:
            new = rng.choice(others)
    if kind == 'text':
        variants = [f(value) for f in TEXT_VARIANTS] + numeric_variants(value)
        variants = [v for v in variants if v != value]
        new = rng.choice(variants)
    s, find = uniquely(text, m.start(), m.end() - m.start())
    replace = find[:m.start() - s] + '<%s%s>%s</%s>' % (name, attrs, new, name)
    return find, replace, '%s = %r (was %r)' % (name, new, value)


def element_spans(text):
    """(path of qualified names, start, end) of every element below the root, in document order."""
    stack, spans = [], []
    for m in TAG.finditer(text):
        if m.group(2) is None:
            continue
        close, name, empty = m.group(1), m.group(2), m.group(3)
        if close:
            name, start = stack.pop()
            if stack:
                spans.append(('/'.join(n for n, _ in stack) + '/' + name, start, m.end()))
        elif empty:
            if stack:
                spans.append(('/'.join(n for n, _ in stack) + '/' + name, m.start(), m.end()))
        else:
            stack.append((name, m.start()))
    return spans


def duplicate_cases(texts, per_path):
    """Each element written twice in a row, in at most `per_path` documents per element path."""
    seen = {}
    for source, text in texts.items():
        for path, start, end in element_spans(text):
            if seen.get(path, 0) >= per_path:
                continue
            seen[path] = seen.get(path, 0) + 1
            s, find = uniquely(text, start, end - start)
            yield source, [{'find': find, 'replace': find + text[start:end]}], ['duplicate ' + path]


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('--count', type=int, default=300)
    ap.add_argument('--seed', type=int, default=1)
    ap.add_argument('--edits', type=int, default=1, help='at most this many edits per case')
    ap.add_argument('--work', default='/tmp/einvoice-explore')
    ap.add_argument('--verbund', default=os.path.join(generate.REPO, 'target', 'debug', 'verbund'))
    ap.add_argument('--duplicates', type=int, metavar='N',
                    help='instead of random edits: every element of every suite file written twice, '
                         'in at most N files per element path')
    ap.add_argument('--shared')
    args = ap.parse_args()

    shared = os.path.abspath(args.shared) if args.shared else generate.find_shared(generate.REPO)
    suite = os.path.join(shared, 'testdata', 'xrechnung-testsuite')
    kosit = os.path.join(shared, 'tools', 'kosit-reference', 'kosit_ref.py')
    sources = sorted(os.path.relpath(os.path.join(d, f), suite)
                     for d, _, fs in os.walk(suite) for f in fs if f.endswith('.xml'))
    texts = {s: open(os.path.join(suite, s), encoding='utf-8').read() for s in sources}
    pool = {}
    for t in texts.values():
        for m in leaves(t):
            pool.setdefault(m.group(1), set()).add(m.group(3))
    pool = {k: sorted(v) for k, v in pool.items()}

    rng = random.Random(args.seed)
    shutil.rmtree(args.work, ignore_errors=True)
    xml_dir = os.path.join(args.work, 'xml')
    os.makedirs(xml_dir)
    cases = {}
    for source, edits, descs in duplicate_cases(texts, args.duplicates) if args.duplicates else ():
        key = 'd%05d' % len(cases)
        text = texts[source].replace(edits[0]['find'], edits[0]['replace'], 1)
        with open(os.path.join(xml_dir, key + '.xml'), 'w', encoding='utf-8') as f:
            f.write(text)
        cases[key] = (source, edits, descs)
    while not args.duplicates and len(cases) < args.count:
        source = rng.choice(sources)
        text, edits, descs = texts[source], [], []
        for _ in range(rng.randint(1, args.edits)):
            e = mutate_once(text, rng, pool)
            if not e:
                continue
            find, replace, desc = e
            text = text.replace(find, replace, 1)
            edits.append({'find': find, 'replace': replace})
            descs.append(desc)
        if not edits or text == texts[source]:
            continue
        key = 'x%05d' % len(cases)
        with open(os.path.join(xml_dir, key + '.xml'), 'w', encoding='utf-8') as f:
            f.write(text)
        cases[key] = (source, edits, descs)

    t0 = time.perf_counter()
    tsv = os.path.join(args.work, 'reference.tsv')
    subprocess.run([sys.executable, kosit, xml_dir, '--out', tsv], check=True, stderr=subprocess.DEVNULL)
    t1 = time.perf_counter()
    out = subprocess.run([args.verbund, 'einvoice', 'validate', '--format', 'json', xml_dir],
                         capture_output=True, text=True)
    if out.returncode not in (0, 1):
        sys.exit('verbund failed (%d): %s' % (out.returncode, out.stderr[:2000]))
    t2 = time.perf_counter()
    ours = {os.path.basename(r['file'])[:-4]: r for r in json.loads(out.stdout)}
    with open(tsv, encoding='utf-8') as f:
        rows = [line.rstrip('\n').split('\t') for line in f][1:]

    differing = 0
    for row in rows:
        key = os.path.basename(row[0])[:-4]
        exp = generate.expected_of(row)
        r = ours[key]
        ids = lambda level: sorted({f['id'] for f in r[level]})  # noqa: E731
        errors, warnings, infos = ids('errors'), ids('warnings'), ids('infos')
        if exp['stage'] in ('wellformedness', 'scenario'):
            agrees = r['verdict'] == 'reject'
        elif exp['stage'] == 'xsd':
            agrees = r['verdict'] == 'reject' and set(errors) <= OURS_BEFORE_RULES
        elif exp['verdict'] == 'undefined':
            # The reference stopped inside its rules; ours name the ambiguous value only.
            agrees = r['verdict'] == 'undefined' and errors == ['VB-EINV-AMBIGUOUS']
        else:
            agrees = (r['verdict'], errors, warnings, infos) == (exp['verdict'], exp['errors'],
                                                                 exp['warnings'], exp['infos'])
        if agrees:
            continue
        differing += 1
        source, edits, descs = cases[key]
        prefix = 'cii-' if source.endswith('_uncefact.xml') else 'ubl-'
        print('# %s: reference %s %s %s w%s i%s; engine %s %s w%s i%s' % (
            key, exp['verdict'], exp['stage'], exp['errors'], exp['warnings'], exp['infos'],
            r['verdict'], errors, warnings, infos))
        print('[[recipe]]')
        print('name = %s' % generate.q(prefix + 'explore-' + key))
        print('family = "EXPLORE"')
        print('source = %s' % generate.q(source))
        print('purpose = %s' % generate.q('; '.join(descs)))
        print('edits = [')
        for e in edits:
            print('  { find = %s, replace = %s },' % (generate.q(e['find']), generate.q(e['replace'])))
        print(']\n')
    print('explore: %d cases, %d differ (reference %.1f s, engine %.1f s)' % (
        len(rows), differing, t1 - t0, t2 - t1), file=sys.stderr)


if __name__ == '__main__':
    main()
