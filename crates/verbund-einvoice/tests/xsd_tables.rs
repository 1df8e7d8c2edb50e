//! The XML Schema tables (`src/xsd/ubl.rs`, `src/xsd/cii.rs`) are what the official schemas
//! give: this test compiles the `.xsd` files of the KoSIT configuration (UBL 2.1 Invoice and
//! `CreditNote`, CII D16B) into Rust source and compares it with the committed files, line by
//! line. With `VERBUND_XSD_TABLES_EMIT=DIR` it writes the derived files into `DIR` instead of
//! only comparing (regenerate with `DIR=crates/verbund-einvoice/src/xsd`).
//!
//! The compiler knows the subset of XSD 1.0 the schemas use and fails loudly on anything else,
//! so a schema update that needs more shows up here, not as a silent gap at run time.

mod shared_data;

use std::collections::{BTreeMap, HashMap};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use quick_xml::Reader;
use quick_xml::events::{BytesStart, Event};

const XSD: &str = "http://www.w3.org/2001/XMLSchema";
const EXT: &str = "urn:oasis:names:specification:ubl:schema:xsd:CommonExtensionComponents-2";

/// A schema element with its attributes and children; annotations left out.
#[derive(Debug)]
struct Node {
    tag: String,
    attrs: BTreeMap<String, String>,
    children: Vec<Node>,
}

impl Node {
    fn attr(&self, name: &str) -> Option<&str> {
        self.attrs.get(name).map(String::as_str)
    }

    fn kids<'a>(&'a self, tag: &'a str) -> impl Iterator<Item = &'a Node> + 'a {
        self.children.iter().filter(move |c| c.tag == tag)
    }
}

/// One schema document.
#[derive(Debug)]
struct Doc {
    target: String,
    prefixes: HashMap<String, String>,
    qualified: bool,
    root: Node,
}

impl Doc {
    fn resolve(&self, qname: &str) -> (String, String) {
        let (prefix, local) = qname.split_once(':').unwrap_or(("", qname));
        let ns = self
            .prefixes
            .get(prefix)
            .unwrap_or_else(|| panic!("prefix {prefix:?} of {qname} is not declared"));
        (ns.clone(), local.to_owned())
    }
}

fn start_node(e: &BytesStart<'_>, prefixes: &mut Option<&mut HashMap<String, String>>) -> Node {
    let raw = e.name().into_inner().to_owned();
    let tag = raw
        .split_once(':')
        .map_or(raw.as_str(), |(_, l)| l)
        .to_owned();
    let mut attrs = BTreeMap::new();
    for attr in e.attributes() {
        let attr = attr.expect("schema attribute");
        let key = attr.key.into_inner().to_owned();
        let value = attr
            .normalized_value(quick_xml::XmlVersion::Implicit1_0)
            .expect("attribute value")
            .into_owned();
        if key == "xmlns" || key.starts_with("xmlns:") {
            let prefix = key.strip_prefix("xmlns:").unwrap_or("").to_owned();
            match prefixes {
                Some(map) => {
                    map.insert(prefix, value);
                }
                None => panic!("namespace declaration below the schema element: {key}"),
            }
            continue;
        }
        attrs.insert(key, value);
    }
    Node {
        tag,
        attrs,
        children: Vec::new(),
    }
}

fn parse(path: &Path) -> Doc {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let mut reader = Reader::from_str(&text);
    let mut stack: Vec<Node> = Vec::new();
    let mut prefixes = HashMap::new();
    prefixes.insert(
        "xml".to_owned(),
        "http://www.w3.org/XML/1998/namespace".to_owned(),
    );
    let mut skip = 0usize;
    let mut root = None;
    loop {
        let event = reader.read_event().expect("schema is well-formed");
        let (start, empty) = match &event {
            Event::Start(e) => (Some(e), false),
            Event::Empty(e) => (Some(e), true),
            _ => (None, false),
        };
        if let Some(e) = start {
            if skip > 0 || e.local_name().into_inner() == "annotation" {
                skip += usize::from(!empty);
                continue;
            }
            let mut scope = stack.is_empty().then_some(&mut prefixes);
            let node = start_node(e, &mut scope);
            if empty {
                match stack.last_mut() {
                    Some(parent) => parent.children.push(node),
                    None => root = Some(node),
                }
            } else {
                stack.push(node);
            }
            continue;
        }
        match event {
            Event::End(_) if skip > 0 => skip -= 1,
            Event::End(_) => {
                let node = stack.pop().expect("balanced");
                match stack.last_mut() {
                    Some(parent) => parent.children.push(node),
                    None => root = Some(node),
                }
            }
            Event::Eof => break,
            _ => {}
        }
    }
    let root = root.expect("schema root");
    assert!(
        prefixes.values().any(|v| v == XSD),
        "{}: no XSD prefix",
        path.display()
    );
    prefixes.entry(String::new()).or_default();
    Doc {
        target: root.attr("targetNamespace").unwrap_or_default().to_owned(),
        qualified: root.attr("elementFormDefault") == Some("qualified"),
        prefixes,
        root,
    }
}

/// The schema documents reachable from the entry files by import and include.
struct Set {
    docs: Vec<Doc>,
    /// Global components by kind and (namespace, name): (document, child index).
    globals: HashMap<(&'static str, String, String), (usize, usize)>,
}

impl Set {
    fn load(entries: &[PathBuf]) -> Self {
        let mut docs = Vec::new();
        let mut seen: Vec<PathBuf> = Vec::new();
        let mut pending: Vec<PathBuf> = entries.to_vec();
        while let Some(path) = pending.pop() {
            let path = path
                .canonicalize()
                .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            if seen.contains(&path) {
                continue;
            }
            seen.push(path.clone());
            let doc = parse(&path);
            for child in &doc.root.children {
                if matches!(child.tag.as_str(), "import" | "include")
                    && let Some(location) = child.attr("schemaLocation")
                {
                    pending.insert(0, path.parent().expect("dir").join(location));
                }
            }
            docs.push(doc);
        }
        let mut globals = HashMap::new();
        for (d, doc) in docs.iter().enumerate() {
            for (i, child) in doc.root.children.iter().enumerate() {
                let kind = match child.tag.as_str() {
                    "element" => "element",
                    "complexType" => "complexType",
                    "simpleType" => "simpleType",
                    "import" | "include" => continue,
                    other => panic!("unsupported top-level <{other}>"),
                };
                let name = child.attr("name").expect("global component has a name");
                globals.insert((kind, doc.target.clone(), name.to_owned()), (d, i));
            }
        }
        Self { docs, globals }
    }

    fn global(&self, kind: &'static str, ns: &str, name: &str) -> (usize, &Node) {
        let &(d, i) = self
            .globals
            .get(&(kind, ns.to_owned(), name.to_owned()))
            .unwrap_or_else(|| panic!("no global {kind} {{{ns}}}{name}"));
        (d, &self.docs[d].root.children[i])
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
struct Simple {
    base: &'static str,
    min_length: Option<u32>,
    max_length: Option<u32>,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
struct Attribute {
    name: String,
    ty: usize,
    required: bool,
    fixed: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum Term {
    Element(usize),
    Sequence(Vec<Particle>),
    Choice(Vec<Particle>),
    AnyOtherLax(String),
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
struct Particle {
    min: u32,
    max: Option<u32>,
    term: Term,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum Content {
    Simple(usize),
    Elements(Particle),
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
struct Complex {
    attributes: Vec<Attribute>,
    content: Content,
}

#[derive(Default)]
struct Compiler {
    elements: Vec<(String, String, usize)>,
    element_ids: HashMap<(String, String, usize), usize>,
    global_elements: HashMap<(String, String), usize>,
    types: Vec<Option<Complex>>,
    type_ids: HashMap<String, usize>,
    structural: HashMap<Complex, usize>,
    simple: Vec<Simple>,
    simple_ids: HashMap<Simple, usize>,
}

fn builtin(local: &str) -> &'static str {
    match local {
        "string" => "String",
        "normalizedString" => "NormalizedString",
        "token" => "Token",
        "language" => "Language",
        "anyURI" => "AnyUri",
        "decimal" => "Decimal",
        "boolean" => "Boolean",
        "date" => "Date",
        "time" => "Time",
        "dateTime" => "DateTime",
        "base64Binary" => "Base64Binary",
        other => panic!("built-in xsd:{other} is not supported"),
    }
}

fn occurs(node: &Node) -> (u32, Option<u32>) {
    let min = node
        .attr("minOccurs")
        .map_or(1, |v| v.parse().expect("minOccurs"));
    let max = match node.attr("maxOccurs") {
        Some("unbounded") => None,
        Some(v) => Some(v.parse().expect("maxOccurs")),
        None => Some(1),
    };
    (min, max)
}

impl Compiler {
    fn simple_id(&mut self, simple: Simple) -> usize {
        if let Some(&id) = self.simple_ids.get(&simple) {
            return id;
        }
        self.simple.push(simple.clone());
        self.simple_ids.insert(simple, self.simple.len() - 1);
        self.simple.len() - 1
    }

    /// A simple type by QName, flattened to a built-in base with facets.
    fn simple_named(&self, set: &Set, ns: &str, name: &str) -> Simple {
        if ns == XSD {
            return Simple {
                base: builtin(name),
                min_length: None,
                max_length: None,
            };
        }
        let (d, node) = set.global("simpleType", ns, name);
        self.simple_node(set, d, node)
    }

    fn simple_node(&self, set: &Set, d: usize, node: &Node) -> Simple {
        let doc = &set.docs[d];
        let [restriction] = node.children.as_slice() else {
            panic!(
                "simpleType {:?}: only a restriction is supported",
                node.attr("name")
            );
        };
        assert_eq!(
            restriction.tag,
            "restriction",
            "simpleType {:?}",
            node.attr("name")
        );
        let (ns, local) = doc.resolve(restriction.attr("base").expect("base"));
        let mut simple = self.simple_named(set, &ns, &local);
        Self::facets(restriction, &mut simple);
        simple
    }

    fn facets(restriction: &Node, simple: &mut Simple) {
        for facet in &restriction.children {
            let value = || {
                facet
                    .attr("value")
                    .expect("facet value")
                    .parse::<u32>()
                    .expect("number")
            };
            match facet.tag.as_str() {
                "minLength" => simple.min_length = Some(value()),
                "maxLength" => simple.max_length = Some(value()),
                "attribute" | "anyAttribute" | "sequence" | "choice" => {}
                other => panic!("facet {other} is not supported"),
            }
        }
    }

    fn attribute(&mut self, set: &Set, d: usize, node: &Node) -> Attribute {
        assert!(
            node.attr("ref").is_none(),
            "attribute references are not supported"
        );
        assert!(
            node.attr("default").is_none(),
            "attribute defaults are not supported"
        );
        let doc = &set.docs[d];
        let simple = match (node.attr("type"), node.kids("simpleType").next()) {
            (Some(ty), None) => {
                let (ns, local) = doc.resolve(ty);
                self.simple_named(set, &ns, &local)
            }
            (None, Some(inline)) => self.simple_node(set, d, inline),
            (None, None) => self.simple_named(set, XSD, "string"),
            (Some(_), Some(_)) => panic!("attribute with type and inline type"),
        };
        let use_ = node.attr("use").unwrap_or("optional");
        assert!(use_ != "prohibited" || node.attr("fixed").is_none());
        Attribute {
            name: node.attr("name").expect("attribute name").to_owned(),
            ty: self.simple_id(simple),
            required: use_ == "required",
            fixed: node.attr("fixed").map(str::to_owned),
        }
    }

    /// Adds or overrides `attrs` by the attribute children of `node` (restriction semantics:
    /// a redeclared attribute replaces the base's, `use="prohibited"` removes it).
    fn attributes_into(&mut self, set: &Set, d: usize, node: &Node, attrs: &mut Vec<Attribute>) {
        for child in &node.children {
            match child.tag.as_str() {
                "attribute" => {
                    let prohibited = child.attr("use") == Some("prohibited");
                    let attr = self.attribute(set, d, child);
                    attrs.retain(|a| a.name != attr.name);
                    if !prohibited {
                        attrs.push(attr);
                    }
                }
                "anyAttribute" => panic!("anyAttribute is not supported"),
                _ => {}
            }
        }
    }

    /// The type of an element given as QName.
    fn type_named(&mut self, set: &Set, ns: &str, name: &str) -> usize {
        if ns == XSD
            || set
                .globals
                .contains_key(&("simpleType", ns.to_owned(), name.to_owned()))
        {
            let simple = self.simple_named(set, ns, name);
            let id = self.simple_id(simple);
            return self.intern(Complex {
                attributes: Vec::new(),
                content: Content::Simple(id),
            });
        }
        let key = format!("{{{ns}}}{name}");
        if let Some(&id) = self.type_ids.get(&key) {
            return id;
        }
        let (d, node) = set.global("complexType", ns, name);
        self.complex(set, d, node, key)
    }

    /// A complex type; element-content types keep their own id (they may be recursive),
    /// simple-content ones are shared by structure.
    fn complex(&mut self, set: &Set, d: usize, node: &Node, key: String) -> usize {
        assert!(
            node.attr("mixed").is_none_or(|m| m == "false"),
            "mixed content is not supported"
        );
        let body = node
            .children
            .iter()
            .find(|c| !matches!(c.tag.as_str(), "attribute" | "anyAttribute"));
        match body.map(|b| b.tag.as_str()) {
            Some("simpleContent") => {
                let complex = self.simple_content(set, d, body.expect("body"));
                let id = self.intern(complex);
                self.type_ids.insert(key, id);
                id
            }
            Some("sequence" | "choice") | None => {
                let group = body.unwrap_or_else(|| panic!("{key}: empty content is not supported"));
                let id = self.types.len();
                self.types.push(None);
                self.type_ids.insert(key, id);
                let content = Content::Elements(self.particle(set, d, group));
                let mut attributes = Vec::new();
                self.attributes_into(set, d, node, &mut attributes);
                self.types[id] = Some(Complex {
                    attributes,
                    content,
                });
                id
            }
            Some(other) => panic!("complexType with <{other}> is not supported"),
        }
    }

    fn simple_content(&mut self, set: &Set, d: usize, node: &Node) -> Complex {
        let doc = &set.docs[d];
        let [derivation] = node.children.as_slice() else {
            panic!("simpleContent with more than one child");
        };
        let (ns, local) = doc.resolve(derivation.attr("base").expect("base"));
        let (mut attributes, mut simple) = if ns == XSD
            || set
                .globals
                .contains_key(&("simpleType", ns.clone(), local.clone()))
        {
            (Vec::new(), self.simple_named(set, &ns, &local))
        } else {
            let base = self.type_named(set, &ns, &local);
            let base = self.types[base]
                .clone()
                .expect("simple-content base is complete");
            let Content::Simple(simple) = base.content else {
                panic!("simpleContent derived from a type without simple content");
            };
            (base.attributes, self.simple[simple].clone())
        };
        match derivation.tag.as_str() {
            "extension" => {}
            "restriction" => Self::facets(derivation, &mut simple),
            other => panic!("simpleContent/{other} is not supported"),
        }
        self.attributes_into(set, d, derivation, &mut attributes);
        Complex {
            attributes,
            content: Content::Simple(self.simple_id(simple)),
        }
    }

    fn intern(&mut self, complex: Complex) -> usize {
        if let Some(&id) = self.structural.get(&complex) {
            return id;
        }
        self.types.push(Some(complex.clone()));
        self.structural.insert(complex, self.types.len() - 1);
        self.types.len() - 1
    }

    fn particle(&mut self, set: &Set, d: usize, node: &Node) -> Particle {
        let (min, max) = occurs(node);
        let term = match node.tag.as_str() {
            "element" => Term::Element(self.element(set, d, node, false)),
            "sequence" | "choice" => {
                let items = node
                    .children
                    .iter()
                    .map(|c| self.particle(set, d, c))
                    .collect();
                if node.tag == "sequence" {
                    Term::Sequence(items)
                } else {
                    Term::Choice(items)
                }
            }
            "any" => {
                assert_eq!(
                    node.attr("namespace"),
                    Some("##other"),
                    "only ##other wildcards"
                );
                assert_eq!(
                    node.attr("processContents"),
                    Some("lax"),
                    "only lax wildcards"
                );
                Term::AnyOtherLax(set.docs[d].target.clone())
            }
            other => panic!("particle <{other}> is not supported"),
        };
        Particle { min, max, term }
    }

    /// An element declaration (global, local, or a reference to a global one).
    fn element(&mut self, set: &Set, d: usize, node: &Node, global: bool) -> usize {
        let doc = &set.docs[d];
        for unsupported in [
            "substitutionGroup",
            "nillable",
            "abstract",
            "default",
            "fixed",
            "form",
        ] {
            assert!(
                node.attr(unsupported).is_none(),
                "element attribute {unsupported}"
            );
        }
        if let Some(reference) = node.attr("ref") {
            let (ns, local) = doc.resolve(reference);
            return self.global_element(set, &ns, &local);
        }
        let name = node.attr("name").expect("element name").to_owned();
        let ns = if global || doc.qualified {
            doc.target.clone()
        } else {
            String::new()
        };
        let ty = match (
            node.attr("type"),
            node.kids("complexType").next(),
            node.kids("simpleType").next(),
        ) {
            (Some(ty), None, None) => {
                let (tns, local) = doc.resolve(ty);
                self.type_named(set, &tns, &local)
            }
            (None, Some(inline), None) => {
                let key = format!("anonymous {{{ns}}}{name} in {inline:p}");
                self.complex(set, d, inline, key)
            }
            (None, None, Some(inline)) => {
                let simple = self.simple_node(set, d, inline);
                let id = self.simple_id(simple);
                self.intern(Complex {
                    attributes: Vec::new(),
                    content: Content::Simple(id),
                })
            }
            other => panic!("element {name}: type form {other:?} is not supported"),
        };
        let key = (ns, name, ty);
        if let Some(&id) = self.element_ids.get(&key) {
            return id;
        }
        self.elements.push(key.clone());
        self.element_ids.insert(key, self.elements.len() - 1);
        self.elements.len() - 1
    }

    fn global_element(&mut self, set: &Set, ns: &str, name: &str) -> usize {
        let key = (ns.to_owned(), name.to_owned());
        if let Some(&id) = self.global_elements.get(&key) {
            return id;
        }
        let (d, node) = set.global("element", ns, name);
        let id = self.element(set, d, node, true);
        self.global_elements.insert(key, id);
        id
    }
}

fn ns_variant(uri: &str) -> &'static str {
    match uri {
        "urn:oasis:names:specification:ubl:schema:xsd:Invoice-2" => "Ns::UblInvoice",
        "urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2" => "Ns::UblCreditNote",
        "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2" => "Ns::Cac",
        "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2" => "Ns::Cbc",
        EXT => "Ns::Ext",
        "urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100" => "Ns::Rsm",
        "urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100" => {
            "Ns::Ram"
        }
        "urn:un:unece:uncefact:data:standard:UnqualifiedDataType:100" => "Ns::Udt",
        "urn:un:unece:uncefact:data:standard:QualifiedDataType:100" => "Ns::Qdt",
        "" => "Ns::Empty",
        other => panic!("namespace {other} has no Ns variant"),
    }
}

fn max_text(max: Option<u32>) -> String {
    max.map_or_else(|| "UNBOUNDED".to_owned(), |m| m.to_string())
}

fn emit_particle(out: &mut String, p: &Particle, indent: usize) {
    let pad = " ".repeat(indent);
    let (min, max) = (p.min, max_text(p.max));
    match &p.term {
        Term::Element(e) => {
            let _ = writeln!(out, "{pad}element({min}, {max}, {e}),");
        }
        Term::AnyOtherLax(ns) => {
            let _ = writeln!(out, "{pad}any_other_lax({min}, {max}, {}),", ns_variant(ns));
        }
        Term::Sequence(items) | Term::Choice(items) => {
            let kind = if matches!(p.term, Term::Sequence(_)) {
                "sequence"
            } else {
                "choice"
            };
            let _ = writeln!(out, "{pad}{kind}({min}, {max}, &[");
            for item in items {
                emit_particle(out, item, indent + 4);
            }
            let _ = writeln!(out, "{pad}]),");
        }
    }
}

fn emit_types(out: &mut String, compiler: &Compiler) {
    let _ = writeln!(
        out,
        "static TYPES: [ComplexType; {}] = [",
        compiler.types.len()
    );
    for (i, ty) in compiler.types.iter().enumerate() {
        let ty = ty.as_ref().expect("every type is complete");
        let _ = writeln!(out, "    // {i}");
        let _ = write!(out, "    ComplexType {{\n        attributes: &[");
        if ty.attributes.is_empty() {
            let _ = writeln!(out, "],");
        } else {
            let _ = writeln!(out);
            for a in &ty.attributes {
                let fixed = a
                    .fixed
                    .as_ref()
                    .map_or_else(|| "None".to_owned(), |f| format!("Some({f:?})"));
                let _ = writeln!(
                    out,
                    "            attribute({:?}, {}, {}, {fixed}),",
                    a.name, a.ty, a.required
                );
            }
            let _ = writeln!(out, "        ],");
        }
        match &ty.content {
            Content::Simple(s) => {
                let _ = writeln!(out, "        content: Content::Simple({s}),");
            }
            Content::Elements(p) => {
                let _ = writeln!(out, "        content: Content::Elements(");
                let mut particle = String::new();
                emit_particle(&mut particle, p, 12);
                out.push_str(particle.trim_end().trim_end_matches(','));
                let _ = writeln!(out, "\n        ),");
            }
        }
        let _ = writeln!(out, "    }},");
    }
    let _ = writeln!(out, "];\n");
}

fn emit(syntax: &str, title: &str, compiler: &Compiler, globals: &[usize]) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "/// The {syntax} schema.\n\
         pub(crate) static SCHEMA: Schema = Schema {{\n    elements: &ELEMENTS,\n    globals: &GLOBALS,\n    types: &TYPES,\n    simple: &SIMPLE,\n}};\n"
    );
    let _ = writeln!(
        out,
        "static ELEMENTS: [ElementDecl; {}] = [",
        compiler.elements.len()
    );
    for (ns, name, ty) in &compiler.elements {
        let _ = writeln!(
            out,
            "    ElementDecl {{ ns: {}, name: {name:?}, ty: {ty} }},",
            ns_variant(ns)
        );
    }
    let _ = writeln!(out, "];\n");
    let _ = writeln!(out, "static GLOBALS: [u16; {}] = [", globals.len());
    for chunk in globals.chunks(16) {
        let items: Vec<String> = chunk.iter().map(ToString::to_string).collect();
        let _ = writeln!(out, "    {},", items.join(", "));
    }
    let _ = writeln!(out, "];\n");
    emit_types(&mut out, compiler);
    let _ = writeln!(
        out,
        "static SIMPLE: [SimpleType; {}] = [",
        compiler.simple.len()
    );
    for s in &compiler.simple {
        let len = |v: Option<u32>| v.map_or_else(|| "None".to_owned(), |v| format!("Some({v})"));
        let _ = writeln!(
            out,
            "    SimpleType {{ base: Builtin::{}, min_length: {}, max_length: {} }},",
            s.base,
            len(s.min_length),
            len(s.max_length)
        );
    }
    let _ = writeln!(out, "];");
    // Import what the body uses, so the file compiles without warnings.
    let names = [
        "AttributeDecl",
        "Builtin",
        "ComplexType",
        "Content",
        "ElementDecl",
        "Schema",
        "SimpleType",
        "UNBOUNDED",
        "any_other_lax(",
        "attribute(",
        "choice(",
        "element(",
        "sequence(",
    ];
    let used: Vec<&str> = names
        .iter()
        .filter(|n| out.contains(*n))
        .map(|n| n.trim_end_matches('('))
        .collect();
    format!(
        "//! The {title} XML Schemas as tables. Generated by `tests/xsd_tables.rs` from the\n\
         //! schemas of the KoSIT configuration; do not edit. Regenerate with\n\
         //! `VERBUND_XSD_TABLES_EMIT=$PWD/crates/verbund-einvoice/src/xsd cargo test -p verbund-einvoice --test xsd_tables`.\n\
         \n\
         use super::{{{}}};\n\
         use crate::xml::Ns;\n\
         \n{out}",
        used.join(", ")
    )
}

/// Compiles the schema with the given entry files; `roots` names the global elements to
/// start from (all global elements of these namespaces, in document order).
fn compile(entries: &[PathBuf], root_namespaces: &[&str]) -> (Compiler, Vec<usize>) {
    let set = Set::load(entries);
    let mut compiler = Compiler::default();
    let mut globals = Vec::new();
    for doc in &set.docs {
        if !root_namespaces.contains(&doc.target.as_str()) {
            continue;
        }
        for child in doc.root.kids("element") {
            let name = child.attr("name").expect("name");
            let id = compiler.global_element(&set, &doc.target, name);
            if !globals.contains(&id) {
                globals.push(id);
            }
        }
    }
    (compiler, globals)
}

fn line_diff(ours: &str, theirs: &str) -> Option<String> {
    let (a, b): (Vec<&str>, Vec<&str>) = (ours.lines().collect(), theirs.lines().collect());
    let at = a
        .iter()
        .zip(&b)
        .position(|(x, y)| x != y)
        .or_else(|| (a.len() != b.len()).then(|| a.len().min(b.len())))?;
    Some(format!(
        "first difference at line {}:\n  committed: {}\n  derived:   {}",
        at + 1,
        a.get(at).unwrap_or(&"<end>"),
        b.get(at).unwrap_or(&"<end>")
    ))
}

#[test]
fn xsd_tables_equal_the_official_schemas() {
    let Some(shared) = shared_data::shared_dir("xsd_tables_equal_the_official_schemas") else {
        return;
    };
    let resources = shared.join("reference/xrechnung-validation/resources");
    let ubl = resources.join("ubl/2.1/xsd");
    let cii = resources.join("cii/16b/xsd");
    let cases = [
        (
            "ubl",
            "UBL 2.1 Invoice and CreditNote",
            vec![
                ubl.join("maindoc/UBL-Invoice-2.1.xsd"),
                ubl.join("maindoc/UBL-CreditNote-2.1.xsd"),
            ],
            vec![
                "urn:oasis:names:specification:ubl:schema:xsd:Invoice-2",
                "urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2",
                "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2",
                "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2",
                EXT,
            ],
            include_str!("../src/xsd/ubl.rs"),
        ),
        (
            "cii",
            "UN/CEFACT CII D16B",
            vec![cii.join("CrossIndustryInvoice_100pD16B.xsd")],
            vec!["urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100"],
            include_str!("../src/xsd/cii.rs"),
        ),
    ];
    let mut problems = Vec::new();
    for (syntax, title, entries, roots, committed) in cases {
        let (compiler, globals) = compile(&entries, &roots);
        let derived = emit(syntax, title, &compiler, &globals);
        if let Ok(dir) = std::env::var("VERBUND_XSD_TABLES_EMIT") {
            std::fs::write(Path::new(&dir).join(format!("{syntax}.rs")), &derived).expect("emit");
        } else if let Some(diff) = line_diff(committed, &derived) {
            problems.push(format!("src/xsd/{syntax}.rs: {diff}"));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}
