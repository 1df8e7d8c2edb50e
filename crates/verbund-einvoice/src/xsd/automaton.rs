//! Content models as Glushkov (position) automata.
//!
//! Every element particle of a content model is one position; the automaton's states are
//! "nothing read yet" and "the last child matched position p". XSD's unique particle
//! attribution rule makes the automaton deterministic, so checking a child is one scan of the
//! positions that may follow the current one. Occurrence bounds other than 0, 1 and unbounded
//! are unrolled into copies.

use std::sync::{LazyLock, OnceLock};

use super::{Content, Particle, Schema, Term, UNBOUNDED, cii, ubl};
use crate::xml::Ns;

/// What a position matches.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Label {
    /// An element declaration (index into [`Schema::elements`]).
    Element(u16),
    /// Any element outside this namespace and outside no namespace, processed laxly.
    AnyOtherLax(Ns),
}

/// The automaton of one complex type's content model.
#[derive(Debug, Default)]
pub(crate) struct Automaton {
    labels: Vec<Label>,
    first: Vec<u32>,
    follow: Vec<Vec<u32>>,
    last: Vec<bool>,
    nullable: bool,
}

/// State before any child.
pub(crate) const START: u32 = 0;

/// Bounds above this are unrolled only up to it; the invoice schemas use 0, 1 and unbounded.
const UNROLL_MAX: u32 = 64;

enum Expr {
    Empty,
    Symbol(u32),
    Sequence(Vec<Expr>),
    Choice(Vec<Expr>),
    Star(Box<Expr>),
    Optional(Box<Expr>),
}

/// Nullable, first and last positions of a sub-expression.
struct Sets {
    nullable: bool,
    first: Vec<u32>,
    last: Vec<u32>,
}

impl Automaton {
    fn new(particle: &Particle) -> Self {
        let mut automaton = Self::default();
        let expr = automaton.particle(particle);
        automaton.follow = vec![Vec::new(); automaton.labels.len()];
        let sets = automaton.sets(&expr);
        automaton.nullable = sets.nullable;
        automaton.first = sets.first;
        automaton.last = vec![false; automaton.labels.len()];
        for p in sets.last {
            automaton.last[p as usize] = true;
        }
        automaton
    }

    fn particle(&mut self, particle: &Particle) -> Expr {
        let min = particle.min.min(UNROLL_MAX);
        let mut parts: Vec<Expr> = (0..min).map(|_| self.term(&particle.term)).collect();
        if particle.max == UNBOUNDED {
            parts.push(Expr::Star(Box::new(self.term(&particle.term))));
        } else {
            // a{0,n} as (a(a(…)?)?)?: nested, so the copies stay deterministic.
            let optional = particle.max.min(UNROLL_MAX).saturating_sub(min);
            let mut tail = Expr::Empty;
            for _ in 0..optional {
                let copy = self.term(&particle.term);
                tail = Expr::Optional(Box::new(Expr::Sequence(vec![copy, tail])));
            }
            parts.push(tail);
        }
        Expr::Sequence(parts)
    }

    fn term(&mut self, term: &Term) -> Expr {
        match term {
            Term::Element(decl) => self.symbol(Label::Element(*decl)),
            Term::AnyOtherLax(ns) => self.symbol(Label::AnyOtherLax(*ns)),
            Term::Sequence(items) => {
                Expr::Sequence(items.iter().map(|p| self.particle(p)).collect())
            }
            Term::Choice(items) => Expr::Choice(items.iter().map(|p| self.particle(p)).collect()),
        }
    }

    fn symbol(&mut self, label: Label) -> Expr {
        let position = u32::try_from(self.labels.len()).unwrap_or(u32::MAX);
        self.labels.push(label);
        Expr::Symbol(position)
    }

    fn sets(&mut self, expr: &Expr) -> Sets {
        match expr {
            Expr::Empty => Sets {
                nullable: true,
                first: Vec::new(),
                last: Vec::new(),
            },
            Expr::Symbol(p) => Sets {
                nullable: false,
                first: vec![*p],
                last: vec![*p],
            },
            Expr::Sequence(items) => {
                let mut acc = Sets {
                    nullable: true,
                    first: Vec::new(),
                    last: Vec::new(),
                };
                for item in items {
                    let next = self.sets(item);
                    for &p in &acc.last {
                        union(&mut self.follow[p as usize], &next.first);
                    }
                    if acc.nullable {
                        union(&mut acc.first, &next.first);
                    }
                    if next.nullable {
                        union(&mut acc.last, &next.last);
                    } else {
                        acc.last = next.last;
                    }
                    acc.nullable &= next.nullable;
                }
                acc
            }
            Expr::Choice(items) => {
                let mut acc = Sets {
                    nullable: items.is_empty(),
                    first: Vec::new(),
                    last: Vec::new(),
                };
                for item in items {
                    let next = self.sets(item);
                    acc.nullable |= next.nullable;
                    union(&mut acc.first, &next.first);
                    union(&mut acc.last, &next.last);
                }
                acc
            }
            Expr::Star(inner) | Expr::Optional(inner) => {
                let mut sets = self.sets(inner);
                if matches!(expr, Expr::Star(_)) {
                    for &p in &sets.last {
                        union(&mut self.follow[p as usize], &sets.first);
                    }
                }
                sets.nullable = true;
                sets
            }
        }
    }

    /// The positions a child may match in `state`.
    pub(crate) fn candidates(&self, state: u32) -> impl Iterator<Item = (u32, Label)> + '_ {
        let next = match state.checked_sub(1) {
            None => &self.first,
            Some(p) => &self.follow[p as usize],
        };
        next.iter().map(|&p| (p, self.labels[p as usize]))
    }

    /// True if the content may end in `state`.
    pub(crate) fn accepts(&self, state: u32) -> bool {
        match state.checked_sub(1) {
            None => self.nullable,
            Some(p) => self.last[p as usize],
        }
    }
}

/// The state after matching position `p`.
pub(crate) fn after(p: u32) -> u32 {
    p + 1
}

fn union(into: &mut Vec<u32>, from: &[u32]) {
    for &p in from {
        if !into.contains(&p) {
            into.push(p);
        }
    }
}

type Cache = Vec<OnceLock<Automaton>>;

fn cache_for(schema: &'static Schema) -> Cache {
    (0..schema.types.len()).map(|_| OnceLock::new()).collect()
}

static CACHES: [LazyLock<Cache>; 2] = [
    LazyLock::new(|| cache_for(&ubl::SCHEMA)),
    LazyLock::new(|| cache_for(&cii::SCHEMA)),
];

/// The automaton of type `ty` of `schema`, built on first use; `None` unless the type has
/// element content.
pub(crate) fn of(schema: &'static Schema, ty: u16) -> Option<&'static Automaton> {
    let Content::Elements(particle) = &schema.types.get(usize::from(ty))?.content else {
        return None;
    };
    let cache: &'static Cache = &CACHES[schema.index()];
    Some(
        cache
            .get(usize::from(ty))?
            .get_or_init(|| Automaton::new(particle)),
    )
}

#[cfg(test)]
mod tests {
    use super::{Automaton, Label, START, after};
    use crate::xsd::{Particle, Term, UNBOUNDED};

    fn element(decl: u16, min: u32, max: u32) -> Particle {
        Particle {
            min,
            max,
            term: Term::Element(decl),
        }
    }

    /// Runs a sequence of element declarations through the automaton.
    fn accepts(automaton: &Automaton, children: &[u16]) -> bool {
        let mut state = START;
        for &child in children {
            let Some((p, _)) = automaton
                .candidates(state)
                .find(|&(_, label)| label == Label::Element(child))
            else {
                return false;
            };
            state = after(p);
        }
        automaton.accepts(state)
    }

    #[test]
    fn sequences_choices_and_bounds_accept_exactly_their_language() {
        static ITEMS: [Particle; 2] = [
            Particle {
                min: 1,
                max: 1,
                term: Term::Element(0),
            },
            Particle {
                min: 0,
                max: 2,
                term: Term::Element(1),
            },
        ];
        static CHOICE: [Particle; 2] = [
            Particle {
                min: 1,
                max: 1,
                term: Term::Element(2),
            },
            Particle {
                min: 1,
                max: 1,
                term: Term::Element(3),
            },
        ];
        static OUTER: [Particle; 3] = [
            Particle {
                min: 1,
                max: 1,
                term: Term::Sequence(&ITEMS),
            },
            Particle {
                min: 0,
                max: 1,
                term: Term::Choice(&CHOICE),
            },
            Particle {
                min: 1,
                max: UNBOUNDED,
                term: Term::Element(4),
            },
        ];
        let automaton = Automaton::new(&Particle {
            min: 1,
            max: 1,
            term: Term::Sequence(&OUTER),
        });
        assert!(accepts(&automaton, &[0, 4]));
        assert!(accepts(&automaton, &[0, 1, 1, 2, 4, 4, 4]));
        assert!(accepts(&automaton, &[0, 3, 4]));
        assert!(!accepts(&automaton, &[0, 1, 1, 1, 4]), "at most two of 1");
        assert!(!accepts(&automaton, &[0, 2, 3, 4]), "one of the choice");
        assert!(!accepts(&automaton, &[4]), "0 is required");
        assert!(!accepts(&automaton, &[0]), "4 is required");
        assert!(!accepts(&automaton, &[1, 0, 4]), "order");
        let single = Automaton::new(&element(7, 0, 1));
        assert!(accepts(&single, &[]));
        assert!(accepts(&single, &[7]));
        assert!(!accepts(&single, &[7, 7]));
    }
}
