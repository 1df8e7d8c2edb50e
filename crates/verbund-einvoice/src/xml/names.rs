//! Interned element names: one small integer per (namespace, local name) of a syntax, looked
//! up once per element by the reader, so that the structure checker, the schema check and the
//! hand-written checks compare integers instead of strings.

use super::Ns;

/// An interned (namespace, local name).
pub(crate) type NameId = u16;

/// The names of one syntax: every element its schema declares and every name its structure
/// tables use.
#[derive(Debug)]
pub(crate) struct Names {
    names: Vec<(Ns, &'static str)>,
    /// Open-addressing hash index into `names` (`NameId::MAX` is empty): the lookup runs once
    /// per element, and a binary search over ~1,000 names cost 10 % of the parse.
    slots: Vec<NameId>,
}

/// A hash of the name from its length, first and last eight bytes and the namespace: the
/// lookup runs once per element, and a byte-at-a-time hash was a quarter of the checker's
/// time per element. Names that share all of these only probe one slot further.
fn name_hash(ns: Ns, local: &str) -> usize {
    const K: u64 = 0x9e37_79b9_7f4a_7c15;
    let bytes = local.as_bytes();
    let word = |part: &[u8]| {
        let mut word = [0_u8; 8];
        word[..part.len()].copy_from_slice(part);
        u64::from_le_bytes(word)
    };
    let (head, tail) = match bytes.len().checked_sub(8) {
        Some(rest) => (word(&bytes[..8]), word(&bytes[rest..])),
        None => (word(bytes), 0),
    };
    let seed = (ns as u64) << 56 ^ bytes.len() as u64;
    let hash = (head ^ seed).wrapping_mul(K);
    let hash = (hash.rotate_left(29) ^ tail).wrapping_mul(K);
    // The high half is the better mixed one.
    (hash >> 32) as usize
}

impl Names {
    /// Interns `names` (duplicates are fine), ids in sorted order.
    pub(crate) fn new(names: impl IntoIterator<Item = (Ns, &'static str)>) -> Self {
        let mut names: Vec<(Ns, &'static str)> = names.into_iter().collect();
        names.sort_unstable();
        names.dedup();
        let mut slots = vec![NameId::MAX; (names.len() * 4).next_power_of_two()];
        let mask = slots.len() - 1;
        for (id, &(ns, local)) in names.iter().enumerate() {
            let mut at = name_hash(ns, local) & mask;
            while slots[at] != NameId::MAX {
                at = (at + 1) & mask;
            }
            slots[at] = NameId::try_from(id).expect("fewer than 65,535 names");
        }
        Self { names, slots }
    }

    /// The id of `(ns, local)`, `None` if it is not one of the names.
    pub(crate) fn id(&self, ns: Ns, local: &str) -> Option<NameId> {
        let mask = self.slots.len() - 1;
        let mut at = name_hash(ns, local) & mask;
        loop {
            let id = self.slots[at];
            let &(name_ns, name) = self.names.get(usize::from(id))?;
            if name_ns == ns && name == local {
                return Some(id);
            }
            at = (at + 1) & mask;
        }
    }

    /// How many names there are; ids are `0..len`.
    pub(crate) fn len(&self) -> usize {
        self.names.len()
    }

    /// Every name with its id.
    pub(crate) fn iter(&self) -> impl Iterator<Item = (NameId, Ns, &'static str)> + '_ {
        self.names
            .iter()
            .enumerate()
            .map(|(id, &(ns, local))| (NameId::try_from(id).unwrap_or(NameId::MAX), ns, local))
    }
}

#[cfg(test)]
mod tests {
    use super::{Names, Ns};

    #[test]
    fn every_name_is_found_and_nothing_else() {
        let names = Names::new([
            (Ns::Cbc, "ID"),
            (Ns::Cac, "ID"),
            (Ns::Cbc, "Note"),
            (Ns::Cbc, "ID"),
        ]);
        assert_eq!(names.len(), 3);
        for (id, ns, local) in names.iter() {
            assert_eq!(names.id(ns, local), Some(id));
        }
        assert_ne!(names.id(Ns::Cbc, "ID"), names.id(Ns::Cac, "ID"));
        assert_eq!(names.id(Ns::Ram, "ID"), None);
        assert_eq!(names.id(Ns::Cbc, "Notes"), None);
        assert_eq!(names.id(Ns::Cbc, ""), None);
    }
}
