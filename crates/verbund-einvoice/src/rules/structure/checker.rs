//! The streaming structure checker: an NFA over the element stack.
//!
//! The tables are compiled once per process into a trie per context (edges keyed by an interned
//! namespace + local name). Per document the checker keeps, for each open element, the trie
//! states that are active below it and, for each context element, one counter per assert.
//! Opening an element advances its parent's states by one step; reaching a terminal counts
//! a node for its assert. Nothing is allocated per element once the stacks have grown to the
//! document's depth, except for findings.

use std::borrow::Cow;
use std::sync::LazyLock;

use super::special::{self, Special};
use super::tag::{self, Suffixes, Tag};
use super::{
    Ambiguous, Anchor, CII_CONTEXTS, CII_RULES, CII_SINGLETONS, Path, Singleton, StructureFinding,
    StructureRule, Test, UBL_CONTEXTS, UBL_RULES, UBL_SINGLETONS,
};
use crate::facts::{RECORDED_PER_RULE, Recorded};
use crate::xml::Ns;
use crate::xml::names::{NameId, Names};

/// Findings kept per rule id and document; the rest are counted out. Every rule that fails
/// keeps at least one finding, so the verdict never changes.
const FINDINGS_PER_RULE_MAX: u16 = 50;

/// Which structure tables apply.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Family {
    Ubl,
    Cii,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Hit {
    /// Counts towards a `Count` test.
    Count,
    /// First or second path of a `NotBoth` test.
    First,
    Second,
}

#[derive(Debug, Default)]
struct Node {
    /// Child-axis steps, sorted by name id.
    children: Vec<(NameId, u32)>,
    /// Descendant steps (`//x`), sorted by name id.
    descendants: Vec<(NameId, u32)>,
    /// Attribute steps of the element at this node: (attribute, local rule index, hit).
    attributes: Vec<(&'static str, u16, Hit)>,
    /// `//@x`: attributes of this element and of every descendant.
    descendant_attributes: Vec<(&'static str, u16, Hit)>,
    /// Asserts that count the element at this node.
    terminals: Vec<(u16, Hit)>,
}

impl Node {
    fn has_steps(&self) -> bool {
        !self.children.is_empty() || !self.descendants.is_empty()
    }

    fn propagates(&self) -> bool {
        !self.descendants.is_empty() || !self.descendant_attributes.is_empty()
    }
}

/// How an element is recognised as a context.
#[derive(Debug)]
enum Matcher {
    /// Element name and ancestors, innermost first; `absolute` also fixes the depth.
    Path { steps: Vec<NameId>, absolute: bool },
    EndsWith {
        ns: Option<Ns>,
        suffix: &'static str,
    },
    /// Hand-written (`special.rs`).
    Special(Special),
}

impl Matcher {
    /// Whether a suffix or special matcher matches an element by its name alone (path
    /// matchers also need the ancestors).
    fn matches_name(&self, ns: Ns, name: &str) -> bool {
        match self {
            Matcher::Path { .. } => false,
            Matcher::EndsWith { ns: wanted, suffix } => {
                wanted.is_none_or(|w| w == ns) && name.ends_with(suffix)
            }
            Matcher::Special(special) => special::matches(*special, ns, name),
        }
    }
}

/// A filter on the last step of a singleton path.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum StepFilter {
    None,
    /// `[1]`: the first child of its name.
    First,
    /// `[@name='value']`.
    Attribute(&'static str, &'static str),
}

/// One path of a [`Singleton`] entry: the value path (role 0) or a `when` path.
#[derive(Debug)]
struct SingletonPath {
    /// Child steps from the context element, outermost first.
    steps: Vec<NameId>,
    /// The first step is `//name`: the element may be at any depth below the context.
    descendant: bool,
    filter: StepFilter,
}

#[derive(Debug)]
struct CompiledSingleton {
    entry: &'static Singleton,
    context: Vec<Matcher>,
    /// The value path, then the `when` paths.
    paths: Vec<SingletonPath>,
}

/// Paths per singleton entry at most: the value path and its `when` paths.
const SINGLETON_PATHS: usize = 3;

#[derive(Debug)]
struct CompiledContext {
    matchers: Vec<Matcher>,
    /// Global indexes of the asserts of this context, in table order.
    rules: Vec<u16>,
    root: u32,
}

#[derive(Debug)]
pub(super) struct Compiled {
    pub(super) rules: &'static [StructureRule],
    /// The element names of the schema and of the tables.
    names: Names,
    /// Per name, its tag and suffixes for the hand-written checks.
    shapes: Vec<(Tag, Suffixes)>,
    /// The name of each element declaration of the schema, by declaration index.
    decl_ids: Vec<NameId>,
    contexts: Vec<CompiledContext>,
    nodes: Vec<Node>,
    /// Per name, the contexts that may match an element of this name, ascending: those whose
    /// matcher's innermost step is the name and those matched by suffix or special code.
    by_name: Vec<Vec<u16>>,
    /// Contexts matched by name suffix or special code, ascending (for names not interned).
    by_other: Vec<u16>,
    singletons: Vec<CompiledSingleton>,
    /// Per name, the singleton paths whose last step is the name: (entry, path index).
    singletons_by_name: Vec<Vec<(u16, u8)>>,
}

static UBL: LazyLock<Compiled> =
    LazyLock::new(|| Compiled::new(UBL_CONTEXTS, UBL_RULES, UBL_SINGLETONS, Ns::UblInvoice));
static CII: LazyLock<Compiled> =
    LazyLock::new(|| Compiled::new(CII_CONTEXTS, CII_RULES, CII_SINGLETONS, Ns::Rsm));

fn split(step: &str) -> (Ns, &str) {
    match step.split_once(':') {
        Some((prefix, local)) => (Ns::from_prefix(prefix), local),
        None => (Ns::Empty, step),
    }
}

impl Compiled {
    /// The tables of `contexts`, `rules` and `singletons`, with the element names of the schema
    /// of `root`.
    fn new(
        contexts: &'static [super::Context],
        rules: &'static [StructureRule],
        singletons: &'static [Singleton],
        root: Ns,
    ) -> Self {
        let names = Names::new(table_names(contexts, rules, singletons, root));
        let decl_ids = crate::xsd::element_names(root)
            .map(|(ns, local)| names.id(ns, local).expect("every schema name is interned"))
            .collect();
        let shapes = names
            .iter()
            .map(|(_, _, local)| (Tag::of(local), tag::suffixes(local)))
            .collect();
        let mut compiled = Self {
            rules,
            shapes,
            decl_ids,
            contexts: Vec::new(),
            nodes: Vec::new(),
            by_name: vec![Vec::new(); names.len()],
            by_other: Vec::new(),
            singletons: Vec::new(),
            singletons_by_name: vec![Vec::new(); names.len()],
            names,
        };
        compiled.singletons_compile(singletons);
        for (index, context) in contexts.iter().enumerate() {
            let index = u16::try_from(index).expect("fewer than 65,536 contexts");
            let matchers = compiled.matchers(context);
            for matcher in &matchers {
                match matcher {
                    Matcher::Path { steps, .. } => {
                        compiled.by_name[usize::from(steps[0])].push(index);
                    }
                    Matcher::EndsWith { .. } | Matcher::Special(_) => compiled.by_other.push(index),
                }
            }
            let root = compiled.node_new();
            let mut context_rules = Vec::new();
            for (global, rule) in rules.iter().enumerate() {
                if rule.context != index {
                    continue;
                }
                let local = u16::try_from(context_rules.len()).expect("few rules per context");
                context_rules.push(u16::try_from(global).expect("fewer than 65,536 rules"));
                match rule.test {
                    Test::Count { paths, .. } => {
                        for path in paths {
                            compiled.insert(root, path, local, Hit::Count);
                        }
                    }
                    Test::NotBoth(a, b) => {
                        compiled.insert(root, a, local, Hit::First);
                        compiled.insert(root, b, local, Hit::Second);
                    }
                    Test::Special => {}
                }
            }
            compiled.contexts.push(CompiledContext {
                matchers,
                rules: context_rules,
                root,
            });
        }
        compiled.by_other.dedup();
        for (id, ns, local) in compiled.names.iter() {
            let matching = compiled.by_other.iter().copied().filter(|&context| {
                compiled.contexts[usize::from(context)]
                    .matchers
                    .iter()
                    .any(|m| m.matches_name(ns, local))
            });
            let list: Vec<u16> = matching.collect();
            let by_name = &mut compiled.by_name[usize::from(id)];
            by_name.extend(list);
            by_name.sort_unstable();
            by_name.dedup();
        }
        compiled
    }

    fn singletons_compile(&mut self, singletons: &'static [Singleton]) {
        for (index, entry) in singletons.iter().enumerate() {
            assert!(
                entry.when.len() < SINGLETON_PATHS,
                "{}: too many when paths",
                entry.rule
            );
            assert!(
                matches!(entry.context, Anchor::Absolute(_) | Anchor::Relative(_)),
                "{}: a singleton context is a path",
                entry.rule
            );
            let index = u16::try_from(index).expect("few singleton entries");
            let context = self.matchers(&super::Context {
                xpath: entry.xpath,
                anchor: entry.context,
            });
            let mut paths = Vec::new();
            for (role, path) in [&entry.path].into_iter().chain(entry.when).enumerate() {
                let mut steps = Vec::new();
                let mut filter = StepFilter::None;
                for (i, step) in path.iter().enumerate() {
                    let (step, found) = step_unfiltered(step);
                    assert!(
                        found == StepFilter::None || i + 1 == path.len(),
                        "{}: only the last step has a filter",
                        entry.rule
                    );
                    filter = found;
                    steps.push(self.step_id(step.trim_start_matches("//")));
                }
                let descendant = path[0].starts_with("//");
                assert!(
                    !descendant || path.len() == 1,
                    "{}: a descendant path has one step",
                    entry.rule
                );
                let last = *steps.last().expect("a path has steps");
                let role = u8::try_from(role).expect("few paths");
                self.singletons_by_name[usize::from(last)].push((index, role));
                paths.push(SingletonPath {
                    steps,
                    descendant,
                    filter,
                });
            }
            self.singletons.push(CompiledSingleton {
                entry,
                context,
                paths,
            });
        }
    }

    fn node_new(&mut self) -> u32 {
        self.nodes.push(Node::default());
        u32::try_from(self.nodes.len() - 1).expect("fewer than 2^32 trie nodes")
    }

    fn step_id(&self, step: &str) -> NameId {
        let (ns, local) = split(step);
        self.names
            .id(ns, local)
            .expect("every table name is interned")
    }

    fn matchers(&self, context: &super::Context) -> Vec<Matcher> {
        let paths = |paths: &[Path], absolute| {
            paths
                .iter()
                .map(|p| Matcher::Path {
                    steps: p.iter().rev().map(|s| self.step_id(s)).collect(),
                    absolute,
                })
                .collect()
        };
        match context.anchor {
            Anchor::Absolute(p) => paths(p, true),
            Anchor::Relative(p) => paths(p, false),
            Anchor::EndsWith { prefix, suffix } => vec![Matcher::EndsWith {
                ns: prefix.map(Ns::from_prefix),
                suffix,
            }],
            Anchor::Special => special::matcher(context.xpath)
                .map(Matcher::Special)
                .into_iter()
                .collect(),
        }
    }

    fn insert(&mut self, root: u32, path: Path, local: u16, hit: Hit) {
        let mut node = root;
        for (i, step) in path.iter().enumerate() {
            let terminal = i + 1 == path.len();
            let (descendant, step) = match step.strip_prefix("//") {
                Some(rest) => (true, rest),
                None => (false, *step),
            };
            if let Some(attribute) = step.strip_prefix('@') {
                let at = &mut self.nodes[node as usize];
                let list = if descendant {
                    &mut at.descendant_attributes
                } else {
                    &mut at.attributes
                };
                list.push((attribute, local, hit));
                continue;
            }
            let id = self.step_id(step);
            let edges = if descendant {
                &self.nodes[node as usize].descendants
            } else {
                &self.nodes[node as usize].children
            };
            let next = if let Ok(found) = edges.binary_search_by_key(&id, |e| e.0) {
                edges[found].1
            } else {
                let new = self.node_new();
                let at = &mut self.nodes[node as usize];
                let edges = if descendant {
                    &mut at.descendants
                } else {
                    &mut at.children
                };
                let pos = edges
                    .binary_search_by_key(&id, |e| e.0)
                    .unwrap_or_else(|p| p);
                edges.insert(pos, (id, new));
                new
            };
            node = next;
            if terminal {
                self.nodes[node as usize].terminals.push((local, hit));
            }
        }
    }
}

/// One active trie state below an open element.
#[derive(Debug, Clone, Copy)]
struct State {
    node: u32,
    /// Depth of the context element whose counters it feeds.
    context_depth: u32,
    /// Carried down from an ancestor for its `//` steps: child steps no longer apply.
    inherited: bool,
}

#[derive(Debug, Clone, Copy, Default)]
struct Counter {
    count: u32,
    /// `C_*` bits.
    flags: u8,
}

/// The first path of a `NotBoth` test selected something.
const C_FIRST: u8 = 1;
/// The second path did.
const C_SECOND: u8 = 1 << 1;
/// The assert has fired for this context element.
const C_FIRED: u8 = 1 << 2;
/// The context element is exempt (`unless`).
const C_EXEMPT: u8 = 1 << 3;

/// One open element.
#[derive(Debug, Default)]
pub(super) struct Frame<'i> {
    pub(super) ns: Ns,
    pub(super) name: Cow<'i, str>,
    pub(super) id: Option<NameId>,
    /// What the hand-written checks test of the name.
    pub(super) tag: Tag,
    pub(super) suffixes: Suffixes,
    /// 1-based position among the parent's children of the same name.
    position: u32,
    /// Per child name seen so far, how many.
    children: Vec<(Option<NameId>, Ns, Cow<'i, str>, u32)>,
    states_start: usize,
    counters_start: usize,
    context: Option<u16>,
    /// Facts the hand-written checks collect about this element.
    pub(super) facts: special::Facts,
    /// A child element has been opened (PEPPOL-R008 looks for elements without).
    has_child: bool,
    /// Text other than XML whitespace has been seen.
    has_text: bool,
    /// Exempt from PEPPOL-R008 (CII excludes `ram:ApplicableHeaderTradeDelivery`).
    may_be_empty: bool,
    /// Unique per element of the document, from 1: tells apart the elements that open
    /// one after another at one depth.
    serial: u32,
}

/// The nodes one singleton path selected below the context element with `serial`.
#[derive(Debug, Clone, Copy, Default)]
struct SingletonCount {
    serial: u32,
    count: u32,
}

/// A singleton entry whose value path selected two nodes below the open context element at
/// `depth`; decided when that element closes (its `when` paths may come later).
#[derive(Debug)]
struct SingletonPending {
    entry: u16,
    depth: usize,
}

/// The per-document state of the checker.
pub(crate) struct Checker<'i> {
    pub(super) family: Family,
    pub(super) credit_note: bool,
    pub(super) compiled: &'static Compiled,
    pub(super) frames: Vec<Frame<'i>>,
    /// Number of open elements; `frames[..depth]` are live.
    pub(super) depth: usize,
    states: Vec<State>,
    counters: Vec<Counter>,
    pub(super) findings: Vec<StructureFinding>,
    per_rule: Vec<u16>,
    pub(super) special: special::DocumentFacts,
    pub(super) pending: super::recorded::Pending,
    /// Text of the innermost element that asked for it.
    pub(super) text: String,
    pub(super) text_depth: Option<usize>,
    /// Failures of model rules found in the stream (`SyntaxFacts::recorded`).
    recorded: Vec<Recorded>,
    /// Elements opened so far (the last serial given).
    opened: u32,
    /// Per singleton entry and path, the latest context element and its count.
    singleton_counts: Vec<[SingletonCount; SINGLETON_PATHS]>,
    singleton_pending: Vec<SingletonPending>,
    ambiguous: Vec<Ambiguous>,
}

impl<'i> Checker<'i> {
    /// A checker for a document whose root element is `(ns, local)`, `None` if the root is
    /// not an invoice root.
    pub(crate) fn for_root(ns: Ns, local: &str) -> Option<Self> {
        let (family, credit_note) = match (ns, local) {
            (Ns::UblInvoice, "Invoice") => (Family::Ubl, false),
            (Ns::UblCreditNote, "CreditNote") => (Family::Ubl, true),
            (Ns::Rsm, "CrossIndustryInvoice") => (Family::Cii, false),
            _ => return None,
        };
        let compiled: &'static Compiled = match family {
            Family::Ubl => &UBL,
            Family::Cii => &CII,
        };
        Some(Self {
            family,
            credit_note,
            compiled,
            frames: Vec::new(),
            depth: 0,
            states: Vec::new(),
            counters: Vec::new(),
            findings: Vec::new(),
            per_rule: vec![0; compiled.rules.len()],
            special: special::DocumentFacts::default(),
            pending: super::recorded::Pending::default(),
            text: String::new(),
            text_depth: None,
            recorded: Vec::new(),
            opened: 0,
            singleton_counts: vec![
                [SingletonCount::default(); SINGLETON_PATHS];
                compiled.singletons.len()
            ],
            singleton_pending: Vec::new(),
            ambiguous: Vec::new(),
        })
    }

    /// The interned name of each element declaration of the syntax's schema, by declaration
    /// index: [`Checker::open`] returns ids of the same names.
    pub(crate) fn decl_ids(&self) -> &'static [NameId] {
        &self.compiled.decl_ids
    }

    /// The findings, the recorded failures of model rules and the paths that select more
    /// than one value where a rule reads one, once the document has been read.
    pub(crate) fn into_parts(self) -> (Vec<StructureFinding>, Vec<Recorded>, Vec<Ambiguous>) {
        (self.findings, self.recorded, self.ambiguous)
    }

    /// Records a failure of the model rule `rule` at the open element at `depth`.
    pub(super) fn record(&mut self, rule: &'static str, depth: usize) {
        if self.records_more(rule) {
            let location = self.location(depth);
            self.recorded.push(Recorded { rule, location });
        }
    }

    /// Records a failure of the model rule `rule` at a location taken earlier.
    pub(super) fn record_at(&mut self, rule: &'static str, location: String) {
        if self.records_more(rule) {
            self.recorded.push(Recorded { rule, location });
        }
    }

    fn records_more(&self, rule: &str) -> bool {
        self.recorded.iter().filter(|r| r.rule == rule).count() < RECORDED_PER_RULE
    }

    #[expect(
        clippy::ptr_arg,
        reason = "the name is cloned as a `Cow` to keep borrowing the input"
    )]
    /// Opens an element; `written` is its qualified name as written (`ram:Name`). Returns the
    /// name's id, for the schema check.
    pub(crate) fn open(
        &mut self,
        ns: Ns,
        name: &Cow<'i, str>,
        written: &str,
        attrs: &[(Cow<'i, str>, Cow<'i, str>)],
    ) -> Option<NameId> {
        let depth = self.depth;
        let id = self.compiled.names.id(ns, name);
        let position = match depth.checked_sub(1) {
            Some(parent) => {
                self.frames[parent].has_child = true;
                sibling_position(&mut self.frames[parent].children, id, ns, name)
            }
            None => 1,
        };
        if self.frames.len() == depth {
            self.frames.push(Frame::default());
        }
        let (tag, suffixes) = match id {
            Some(id) => self.compiled.shapes[usize::from(id)],
            None => (Tag::of(name), tag::suffixes(name)),
        };
        let states_start = self.states.len();
        let counters_start = self.counters.len();
        {
            let frame = &mut self.frames[depth];
            frame.ns = ns;
            frame.name.clone_from(name);
            frame.id = id;
            frame.tag = tag;
            frame.suffixes = suffixes;
            frame.position = position;
            frame.children.clear();
            frame.states_start = states_start;
            frame.counters_start = counters_start;
            frame.context = None;
            frame.facts = special::Facts::default();
            frame.has_child = false;
            frame.has_text = false;
            // `name() = 'ram:ApplicableHeaderTradeDelivery'` compares the name as written.
            frame.may_be_empty = tag == Tag::ApplicableHeaderTradeDelivery
                && written == "ram:ApplicableHeaderTradeDelivery";
            self.opened = self.opened.wrapping_add(1);
            frame.serial = self.opened;
        }
        self.depth += 1;
        if let Some(id) = id
            && !self.compiled.singletons_by_name[usize::from(id)].is_empty()
        {
            self.singletons_open(id, attrs);
        }
        if depth > 0 {
            let parent_states = self.frames[depth - 1].states_start..states_start;
            for i in parent_states {
                let state = self.states[i];
                let node = &self.compiled.nodes[state.node as usize];
                if node.propagates() {
                    self.states.push(State {
                        inherited: true,
                        ..state
                    });
                    self.attributes_check(&node.descendant_attributes, attrs, state.context_depth);
                }
                if let Some(id) = id {
                    let edges: &[&Vec<(NameId, u32)>] = if state.inherited {
                        &[&node.descendants]
                    } else {
                        &[&node.children, &node.descendants]
                    };
                    for edges in edges {
                        if let Ok(found) = edges.binary_search_by_key(&id, |e| e.0) {
                            self.enter(edges[found].1, state.context_depth, attrs);
                        }
                    }
                }
            }
        }
        if let Some(context) = self.context_of(ns, name, id) {
            self.context_open(context, attrs);
        }
        special::open(self, attrs);
        id
    }

    /// The element just opened reached `node`.
    fn enter(&mut self, node: u32, context_depth: u32, attrs: &[(Cow<'i, str>, Cow<'i, str>)]) {
        let compiled = self.compiled;
        let at = &compiled.nodes[node as usize];
        for &(local, hit) in &at.terminals {
            self.hit(context_depth, local, hit);
        }
        self.attributes_check(&at.attributes, attrs, context_depth);
        self.attributes_check(&at.descendant_attributes, attrs, context_depth);
        if at.has_steps() || at.propagates() {
            self.states.push(State {
                node,
                context_depth,
                inherited: false,
            });
        }
    }

    fn attributes_check(
        &mut self,
        wanted: &[(&'static str, u16, Hit)],
        attrs: &[(Cow<'i, str>, Cow<'i, str>)],
        context_depth: u32,
    ) {
        for &(attribute, local, hit) in wanted {
            if attrs.iter().any(|(name, _)| name == attribute) {
                self.hit(context_depth, local, hit);
            }
        }
    }

    fn hit(&mut self, context_depth: u32, local: u16, hit: Hit) {
        let frame = &self.frames[context_depth as usize];
        let Some(context) = frame.context else {
            return;
        };
        let index = frame.counters_start + usize::from(local);
        let counter = &mut self.counters[index];
        match hit {
            Hit::Count => counter.count = counter.count.saturating_add(1),
            Hit::First => counter.flags |= C_FIRST,
            Hit::Second => counter.flags |= C_SECOND,
        }
        if counter.flags & (C_FIRED | C_EXEMPT) != 0 {
            return;
        }
        let compiled = self.compiled;
        let rule = usize::from(compiled.contexts[usize::from(context)].rules[usize::from(local)]);
        let fails = match compiled.rules[rule].test {
            Test::Count { max, .. } => counter.count > max,
            Test::NotBoth(..) => counter.flags & (C_FIRST | C_SECOND) == C_FIRST | C_SECOND,
            Test::Special => false,
        };
        if fails {
            counter.flags |= C_FIRED;
            self.fire(rule, context_depth as usize);
        }
    }

    /// The first context of the pattern that matches the element just opened.
    fn context_of(&self, ns: Ns, name: &str, id: Option<NameId>) -> Option<u16> {
        let compiled = self.compiled;
        // The lists are ascending, so the first context that matches is the one.
        let candidates = id.map_or(&compiled.by_other[..], |id| {
            &compiled.by_name[usize::from(id)][..]
        });
        candidates.iter().copied().find(|&context| {
            compiled.contexts[usize::from(context)]
                .matchers
                .iter()
                .any(|m| self.matches(m, ns, name))
        })
    }

    fn matches(&self, matcher: &Matcher, ns: Ns, name: &str) -> bool {
        match matcher {
            Matcher::Path { steps, absolute } => self.path_matches(steps, *absolute, self.depth),
            Matcher::EndsWith { .. } | Matcher::Special(_) => matcher.matches_name(ns, name),
        }
    }

    /// Whether the open elements `frames[..depth]` end with `steps` (innermost first).
    fn path_matches(&self, steps: &[NameId], absolute: bool, depth: usize) -> bool {
        if steps.len() > depth || (absolute && steps.len() != depth) {
            return false;
        }
        steps
            .iter()
            .zip(self.frames[..depth].iter().rev())
            .all(|(&step, frame)| frame.id == Some(step))
    }

    /// Counts the element just opened for each singleton path it ends.
    fn singletons_open(&mut self, id: NameId, attrs: &[(Cow<'i, str>, Cow<'i, str>)]) {
        let compiled = self.compiled;
        let depth = self.depth - 1;
        for &(entry, role) in &compiled.singletons_by_name[usize::from(id)] {
            let singleton = &compiled.singletons[usize::from(entry)];
            let path = &singleton.paths[usize::from(role)];
            let selected = match path.filter {
                StepFilter::None => true,
                StepFilter::First => self.frames[depth].position == 1,
                StepFilter::Attribute(name, value) => {
                    attrs.iter().any(|(n, v)| n == name && v == value)
                }
            };
            if !selected {
                continue;
            }
            let in_context = |context_depth: usize| {
                singleton.context.iter().any(|m| match m {
                    Matcher::Path { steps, absolute } => {
                        self.path_matches(steps, *absolute, context_depth + 1)
                    }
                    Matcher::EndsWith { .. } | Matcher::Special(_) => false,
                })
            };
            let context_depth = if path.descendant {
                (0..depth).find(|&d| in_context(d))
            } else {
                let steps = path.steps.len();
                depth
                    .checked_sub(steps)
                    .filter(|&c| {
                        path.steps[..steps - 1]
                            .iter()
                            .zip(&self.frames[c + 1..depth])
                            .all(|(&step, frame)| frame.id == Some(step))
                    })
                    .filter(|&c| in_context(c))
            };
            let Some(context_depth) = context_depth else {
                continue;
            };
            let serial = self.frames[context_depth].serial;
            let counted = &mut self.singleton_counts[usize::from(entry)][usize::from(role)];
            if counted.serial == serial {
                counted.count = counted.count.saturating_add(1);
            } else {
                *counted = SingletonCount { serial, count: 1 };
            }
            if role == 0 && counted.count == 2 {
                self.singleton_pending.push(SingletonPending {
                    entry,
                    depth: context_depth,
                });
            }
        }
    }

    /// Decides the singleton entries of the context element at `depth`, which closes.
    fn singletons_close(&mut self, depth: usize) {
        let compiled = self.compiled;
        let serial = self.frames[depth].serial;
        let mut i = 0;
        while i < self.singleton_pending.len() {
            if self.singleton_pending[i].depth != depth {
                i += 1;
                continue;
            }
            let entry = usize::from(self.singleton_pending.swap_remove(i).entry);
            let singleton = &compiled.singletons[entry];
            let counts = &self.singleton_counts[entry];
            let reached = (1..singleton.paths.len())
                .all(|role| counts[role].serial == serial && counts[role].count > 0)
                && !(singleton.entry.unless_lmo && special::vat_breakdown_lmo(&self.frames[depth]));
            if reached {
                let location = self.location(depth);
                self.ambiguous.push(Ambiguous {
                    singleton: singleton.entry,
                    count: counts[0].count,
                    location,
                });
            }
        }
    }

    fn context_open(&mut self, context: u16, attrs: &[(Cow<'i, str>, Cow<'i, str>)]) {
        let compiled = self.compiled;
        let depth = self.depth - 1;
        self.frames[depth].context = Some(context);
        let at = &compiled.contexts[usize::from(context)];
        for &rule in &at.rules {
            let exempt = compiled.rules[usize::from(rule)]
                .unless
                .is_some_and(|unless| self.exempt(unless));
            self.counters.push(Counter {
                count: 0,
                flags: if exempt { C_EXEMPT } else { 0 },
            });
        }
        let context_depth = u32::try_from(depth).unwrap_or(u32::MAX);
        self.enter(at.root, context_depth, attrs);
    }

    /// Evaluates the `unless` exemption of an assert for the element just opened.
    fn exempt(&self, unless: &str) -> bool {
        let frames = &self.frames[..self.depth];
        let named = |frame: &Frame<'_>, qname: &str| {
            let (ns, local) = split(qname);
            frame.ns == ns && frame.name == local
        };
        if let Some(qname) = unless.strip_prefix("self::") {
            return frames.last().is_some_and(|f| named(f, qname));
        }
        if let Some(qname) = unless.strip_prefix("ancestor::") {
            return frames[..frames.len() - 1].iter().any(|f| named(f, qname));
        }
        if unless == "../cn:CreditNote" {
            return self.depth == 1 && self.credit_note;
        }
        debug_assert!(false, "unknown exemption {unless}");
        false
    }

    pub(crate) fn text(&mut self, text: &str) {
        if let Some(frame) = self.depth.checked_sub(1).map(|d| &mut self.frames[d])
            && !frame.has_text
        {
            frame.has_text = !crate::lexical::trim_xml(text).is_empty();
        }
        if self.text_depth.is_some_and(|d| self.depth >= d) {
            self.text.push_str(text);
        }
    }

    pub(crate) fn close(&mut self) {
        let Some(depth) = self.depth.checked_sub(1) else {
            return;
        };
        special::close(self);
        if !self.singleton_pending.is_empty() {
            self.singletons_close(depth);
        }
        if let Some(context) = self.frames[depth].context {
            let compiled = self.compiled;
            let start = self.frames[depth].counters_start;
            for (local, &rule) in compiled.contexts[usize::from(context)]
                .rules
                .iter()
                .enumerate()
            {
                let counter = self.counters[start + local];
                let short = match compiled.rules[usize::from(rule)].test {
                    Test::Count { min, .. } => counter.count < min,
                    Test::NotBoth(..) | Test::Special => false,
                };
                if short && counter.flags & (C_FIRED | C_EXEMPT) == 0 {
                    self.fire(usize::from(rule), depth);
                }
            }
        }
        if self.text_depth == Some(depth + 1) {
            self.text_depth = None;
            self.text.clear();
        }
        let frame = &self.frames[depth];
        if !frame.has_child && !frame.has_text && !frame.may_be_empty {
            self.record("PEPPOL-EN16931-R008", depth);
        }
        let frame = &self.frames[depth];
        self.states.truncate(frame.states_start);
        self.counters.truncate(frame.counters_start);
        self.depth = depth;
    }

    /// Records a finding of the table entry `rule` at the element at `depth`.
    pub(super) fn fire(&mut self, rule: usize, depth: usize) {
        let kept = &mut self.per_rule[rule];
        if *kept >= FINDINGS_PER_RULE_MAX {
            return;
        }
        *kept += 1;
        let location = self.location(depth);
        self.findings.push(StructureFinding {
            rule: &self.compiled.rules[rule],
            location,
        });
    }

    /// Fires the entry with `id`, once per document.
    pub(super) fn fire_id(&mut self, id: &str, depth: usize) {
        if let Some(rule) = self.compiled.rules.iter().position(|r| r.id == id) {
            self.fire(rule, depth);
        } else {
            debug_assert!(false, "no structure rule {id}");
        }
    }

    /// Fires the entry with `id` at a location recorded earlier.
    pub(super) fn fire_id_at(&mut self, id: &str, location: String) {
        let Some(rule) = self.compiled.rules.iter().position(|r| r.id == id) else {
            debug_assert!(false, "no structure rule {id}");
            return;
        };
        if self.per_rule[rule] < FINDINGS_PER_RULE_MAX {
            self.per_rule[rule] += 1;
            self.findings.push(StructureFinding {
                rule: &self.compiled.rules[rule],
                location,
            });
        }
    }

    /// XPath of the open element at `depth` (0 is the root), 1-based positions below the root.
    pub(super) fn location(&self, depth: usize) -> String {
        let mut out = String::new();
        for (i, frame) in self.frames[..=depth].iter().enumerate() {
            out.push('/');
            if let Some(prefix) = frame.ns.prefix() {
                out.push_str(prefix);
                out.push(':');
            }
            out.push_str(&frame.name);
            if i > 0 {
                out.push('[');
                out.push_str(&frame.position.to_string());
                out.push(']');
            }
        }
        out
    }
}

/// The element names of the schema of `root` and of every table, to intern.
fn table_names(
    contexts: &'static [super::Context],
    rules: &'static [StructureRule],
    singletons: &'static [Singleton],
    root: Ns,
) -> Vec<(Ns, &'static str)> {
    let mut names: Vec<(Ns, &'static str)> = crate::xsd::element_names(root).collect();
    let mut note = |step: &'static str| {
        let step = step.trim_start_matches("//");
        if !step.starts_with('@') {
            names.push(split(step));
        }
    };
    for context in contexts {
        if let Anchor::Absolute(paths) | Anchor::Relative(paths) = context.anchor {
            paths.iter().flat_map(|p| p.iter()).for_each(|s| note(s));
        }
    }
    for rule in rules {
        match rule.test {
            Test::Count { paths, .. } => {
                paths.iter().flat_map(|p| p.iter()).for_each(|s| note(s));
            }
            Test::NotBoth(a, b) => a.iter().chain(b.iter()).for_each(|s| note(s)),
            Test::Special => {}
        }
    }
    for entry in singletons {
        let paths = entry.when.iter().chain([&entry.path]);
        paths
            .flat_map(|p| p.iter())
            .for_each(|s| note(step_unfiltered(s).0));
        if let Anchor::Absolute(paths) | Anchor::Relative(paths) = entry.context {
            paths.iter().flat_map(|p| p.iter()).for_each(|s| note(s));
        }
    }
    names
}

/// A singleton path step without its filter, and the filter.
fn step_unfiltered(step: &'static str) -> (&'static str, StepFilter) {
    let Some((name, filter)) = step.split_once('[') else {
        return (step, StepFilter::None);
    };
    let filter = filter.strip_suffix(']').unwrap_or(filter);
    if filter == "1" {
        return (name, StepFilter::First);
    }
    let attribute = filter.strip_prefix('@').and_then(|f| f.split_once('='));
    match attribute {
        Some((attribute, value)) => {
            let value = value.trim_matches('\'');
            (name, StepFilter::Attribute(attribute, value))
        }
        None => panic!("unknown step filter in {step}"),
    }
}

/// Counts one more child `(ns, name)` and returns its 1-based position among its namesakes.
#[expect(
    clippy::ptr_arg,
    reason = "the name is cloned as a `Cow` to keep borrowing the input"
)]
fn sibling_position<'i>(
    children: &mut Vec<(Option<NameId>, Ns, Cow<'i, str>, u32)>,
    id: Option<NameId>,
    ns: Ns,
    name: &Cow<'i, str>,
) -> u32 {
    // Interned names compare by id; the others (not in the schema) by name.
    let same = |(i, n, s, _): &(Option<NameId>, Ns, Cow<'i, str>, u32)| match id {
        Some(_) => *i == id,
        None => i.is_none() && *n == ns && s == name,
    };
    // Siblings of one name mostly come together: look at the latest first.
    if let Some(last) = children.last_mut()
        && same(last)
    {
        last.3 += 1;
        return last.3;
    }
    if let Some(entry) = children.iter_mut().find(|entry| same(entry)) {
        entry.3 += 1;
        return entry.3;
    }
    children.push((id, ns, name.clone(), 1));
    1
}
