//! Random identifiers; each provider module builds its own formats from them.

const ALNUM: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
const LOWER_ALNUM: &[u8] = b"abcdefghijklmnopqrstuvwxyz0123456789";

fn pick(alphabet: &[u8], len: usize) -> String {
    (0..len).map(|_| char::from(alphabet[fastrand::usize(..alphabet.len())])).collect()
}

/// `len` random letters (both cases) and digits.
pub(crate) fn alnum(len: usize) -> String {
    pick(ALNUM, len)
}

/// `len` random lower-case letters and digits.
pub(crate) fn lower_alnum(len: usize) -> String {
    pick(LOWER_ALNUM, len)
}

/// A random lower-case hex string (request ids).
pub(crate) fn hex(len: usize) -> String {
    pick(b"0123456789abcdef", len)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shapes() {
        let id = alnum(14);
        assert_eq!(id.len(), 14);
        assert!(id.chars().all(|c| c.is_ascii_alphanumeric()));
        assert!(lower_alnum(20).chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit()));
        assert!(hex(32).chars().all(|c| c.is_ascii_hexdigit()));
    }
}
