pub(super) static IMPLEMENTED: &[&str] = &[];
