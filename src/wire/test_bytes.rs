//! Bytes for the wire's unit tests: hex as sources print it, and deterministic noise, so that a
//! failing case is named by its seed.

/// The bytes of hex digits, whatever stands between them (spaces, line breaks).
pub(super) fn hex(text: &str) -> Vec<u8> {
    let digits: Vec<u8> = text.bytes().filter(u8::is_ascii_hexdigit).collect();
    digits
        .chunks(2)
        .map(|pair| u8::from_str_radix(std::str::from_utf8(pair).unwrap(), 16).unwrap())
        .collect()
}

/// An endless run of bytes from `seed` (a linear congruential generator).
pub(super) fn noise(seed: u64) -> impl Iterator<Item = u8> {
    let mut state = seed
        .wrapping_mul(6364136223846793005)
        .wrapping_add(1442695040888963407);
    std::iter::repeat_with(move || {
        state = state
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (state >> 33) as u8
    })
}
