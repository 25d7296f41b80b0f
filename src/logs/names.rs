//! The names phones asked for, each kept once and read once: a request holds a number, the
//! name's facts ([`Shape`], whether it holds a CR or a space, the era of the load an image
//! installs) are worked out once; and what
//! makes two servers' spellings of a name the same ([`key`]).

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

use crate::phone::recognise::{self, Name, Shape};

/// Names kept once and shared (a phone asks the same few names at every boot).
pub const MAX_NAMES: usize = 1 << 16;
/// Bytes of names kept in all (a name a phone asks for is a few dozen bytes).
pub const MAX_NAME_BYTES: usize = 4 << 20;

/// The names phones asked for, each kept once and read once: a request holds its number.
/// Number 0 stands for any name past [`MAX_NAMES`] or [`MAX_NAME_BYTES`].
#[derive(Debug)]
pub struct Names {
    /// The numbers of names asked for lately, before the keyed map is asked.
    recent: Recent,
    list: Vec<Box<str>>,
    /// By number: what the name is, whether it holds a CR, LF, TAB or space, and for an image
    /// whose load is a load ID, whether that load is of the Universal Application Loader's era.
    facts: Vec<(Shape, bool, Option<bool>)>,
    index: HashMap<Box<str>, u32>,
    /// The bytes of the names kept.
    bytes: usize,
    /// Requests whose name was past [`MAX_NAMES`] or [`MAX_NAME_BYTES`].
    pub overflow: u64,
}

impl Default for Names {
    fn default() -> Names {
        let mut names = Names {
            recent: Recent::default(),
            list: Vec::new(),
            facts: Vec::new(),
            index: HashMap::new(),
            bytes: 0,
            overflow: 0,
        };
        names.keep("(one of too many names)");
        names
    }
}

impl Names {
    fn keep(&mut self, name: &str) -> u32 {
        let id = self.list.len() as u32;
        self.list.push(Box::from(name));
        let shape = Shape::of(name);
        let ual_image = match shape.name(name) {
            Name::Image { load, .. } => recognise::ual_image(load),
            _ => None,
        };
        self.facts.push((shape, has_cr_or_space(name), ual_image));
        id
    }

    /// The number of `name`, given one if it has none.
    pub fn id(&mut self, name: &str) -> u32 {
        let hash = Recent::hash(name.as_bytes());
        if let Some(id) = self.recent.get(hash) {
            if *self.list[id as usize] == *name {
                return id;
            }
        }
        if let Some(&id) = self.index.get(name) {
            self.recent.set(hash, id);
            return id;
        }
        if self.list.len() >= MAX_NAMES || self.bytes + name.len() > MAX_NAME_BYTES {
            self.overflow += 1;
            return 0;
        }
        self.bytes += name.len();
        let id = self.keep(name);
        self.index.insert(Box::from(name), id);
        self.recent.set(hash, id);
        id
    }

    /// The number of `name`, if it has one.
    pub fn find(&self, name: &str) -> Option<u32> {
        self.index.get(name).copied()
    }

    pub fn get(&self, id: u32) -> &str {
        self.list.get(id as usize).map_or("", |n| n)
    }

    /// What name `id` is, as [`Name::of`] says, without reading it again.
    pub fn name(&self, id: u32) -> Name<'_> {
        self.name_of(id, self.get(id))
    }

    /// The same for `text`, which is name `id` as a request gave it (read again when `id` is
    /// 0, one of too many names).
    pub fn name_of<'a>(&self, id: u32, text: &'a str) -> Name<'a> {
        match self.facts.get(id as usize) {
            Some((shape, _, _)) if id != 0 => shape.name(text),
            _ => Name::of(text),
        }
    }

    /// Whether name `id` holds a CR, LF, TAB or space ([`has_cr_or_space`]).
    pub fn odd(&self, id: u32) -> bool {
        self.facts.get(id as usize).is_some_and(|&(_, odd, _)| odd)
    }

    /// [`recognise::ual_image`] of name `id`, worked out once.
    pub fn ual_image(&self, id: u32) -> Option<bool> {
        self.facts.get(id as usize).and_then(|&(_, _, ual)| ual)
    }
}

/// A small cache in front of a map with the standard keyed hash (which a log cannot make
/// collide): a key's quick hash picks a set of two slots, which hold the numbers the map gave
/// the keys of that set last (the newest first). The caller checks that the number's key is the
/// key (a log can make quick hashes collide, which only sends it to the map). Most lines name
/// a few names and addresses seen just before; a day of upgrades names a few thousand in turn,
/// which two slots a set keep apart.
#[derive(Debug)]
pub struct Recent {
    slots: Box<[[(u64, u32); 2]]>,
}

impl Default for Recent {
    fn default() -> Recent {
        Recent {
            slots: vec![[(0, 0); 2]; Recent::SETS].into_boxed_slice(),
        }
    }
}

impl Recent {
    /// Sets of two slots: a power of two, picked by the hash's top bits.
    const SETS: usize = 4096;
    const SET_BITS: u32 = Recent::SETS.trailing_zeros();

    /// The quick hash of `key`, never 0 (an empty slot).
    pub fn hash(key: &[u8]) -> u64 {
        let mut hash = key.len() as u64;
        let mut words = key.chunks_exact(8);
        for word in &mut words {
            let word = u64::from_le_bytes(word.try_into().expect("eight bytes"));
            hash = (hash.rotate_left(5) ^ word).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
        }
        let mut last = [0u8; 8];
        last[..words.remainder().len()].copy_from_slice(words.remainder());
        hash = (hash.rotate_left(5) ^ u64::from_le_bytes(last))
            .wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
        hash | 1
    }

    /// The set of a key of quick hash `hash`: the hash's top bits, which the multiplication
    /// mixes best (its lowest bit is always 1).
    fn set_of(hash: u64) -> usize {
        (hash >> (u64::BITS - Recent::SET_BITS)) as usize
    }

    /// The number last set for a key of quick hash `hash`, maybe another key's.
    pub fn get(&self, hash: u64) -> Option<u32> {
        let [newer, older] = self.slots[Recent::set_of(hash)];
        match hash {
            _ if newer.0 == hash => Some(newer.1),
            _ if older.0 == hash => Some(older.1),
            _ => None,
        }
    }

    /// Sets the number of a key of quick hash `hash` in the newer slot of its set, the older
    /// one taking what the newer held unless that was the same key.
    pub fn set(&mut self, hash: u64, number: u32) {
        let set = &mut self.slots[Recent::set_of(hash)];
        if set[0].0 != hash {
            set[1] = set[0];
        }
        set[0] = (hash, number);
    }

    /// Forgets the number of a key of quick hash `hash`.
    pub fn forget(&mut self, hash: u64) {
        for slot in &mut self.slots[Recent::set_of(hash)] {
            if slot.0 == hash {
                *slot = (0, 0);
            }
        }
    }
}

/// Hashes a name's number: numbers are given out in order, never chosen by a log line, so a
/// multiplication spreads them and no log can make them collide (names themselves, which a
/// log chooses, keep the standard keyed hash).
#[derive(Debug, Clone, Copy, Default)]
pub struct IdHasher(u64);

impl Hasher for IdHasher {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        for &byte in bytes {
            self.0 = (self.0.rotate_left(8) ^ u64::from(byte)).wrapping_mul(0x9e37_79b9_7f4a_7c15);
        }
    }

    fn write_u32(&mut self, n: u32) {
        self.0 = u64::from(n).wrapping_mul(0x9e37_79b9_7f4a_7c15);
    }
}

/// A map by name number.
pub type ByName<V> = HashMap<u32, V, BuildHasherDefault<IdHasher>>;

/// The name without a directory: what matches across a server's lines.
pub fn key(name: &str) -> &str {
    // A name is short: a plain loop beats a searcher here.
    match name.bytes().rposition(|b| b == b'/') {
        Some(slash) => &name[slash + 1..],
        None => name,
    }
}

/// A CR, LF, TAB or space anywhere in a name: no name a phone needs has one.
pub fn has_cr_or_space(name: &str) -> bool {
    name.bytes()
        .any(|b| matches!(b, b'\r' | b'\n' | b'\t' | b' '))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::knowledge::firmware::FirmwareExt;

    #[test]
    fn names_are_kept_once_with_what_they_are() {
        let mut names = Names::default();
        let id = names.id("P0S3-08-11-00.loads");
        assert_eq!(names.id("P0S3-08-11-00.loads"), id);
        assert_eq!(
            names.name(id),
            Name::Image {
                load: "P0S3-08-11-00",
                ext: FirmwareExt::Loads
            }
        );
        let odd = names.id("P0S3-06-3-00\r.bin");
        assert!(names.odd(odd) && !names.odd(id));
        // The era of an image's load, worked out once: UAL-era, before it, or no load ID.
        let ual = names.id("P003-08-11-00.sbn");
        let old = names.id("P0S3-06-3-00.bin");
        let other = names.id("OS79XX.TXT");
        assert_eq!(
            [ual, old, odd, other, 0].map(|id| names.ual_image(id)),
            [Some(true), Some(false), Some(false), None, None]
        );
        // Number 0, one of too many names, is read from the text given.
        assert_eq!(names.name_of(0, "OS79XX.TXT"), Name::Os79xx);
        let mut by_name = ByName::default();
        by_name.insert(id, 1);
        by_name.insert(odd, 2);
        assert_eq!((by_name[&id], by_name[&odd]), (1, 2));
        let hash = |bytes: &[u8]| {
            let mut hasher = IdHasher::default();
            hasher.write(bytes);
            hasher.finish()
        };
        assert_ne!(hash(b"ab"), hash(b"ba"));
    }

    #[test]
    fn names_past_the_bytes_kept_are_one_of_too_many() {
        let mut names = Names::default();
        let big = |n: u8| String::from(char::from(b'a' + n)).repeat(MAX_NAME_BYTES / 3 + 1);
        assert_eq!((names.id(&big(0)), names.id(&big(1))), (1, 2));
        assert_eq!(names.id(&big(2)), 0, "past the bytes kept");
        assert_eq!(names.id(&big(0)), 1, "a name kept is found again");
        assert_eq!(names.overflow, 1);
        assert_eq!(names.id("OS79XX.TXT"), 3, "a short one still fits");
    }

    #[test]
    fn the_recent_cache_gives_back_what_was_set_and_forgets() {
        let mut recent = Recent::default();
        let (a, b) = (Recent::hash(b"10.0.0.1"), Recent::hash(b"10.0.0.2"));
        assert_ne!(a, b);
        assert!(a & 1 == 1 && Recent::hash(b"") != 0);
        assert_ne!(Recent::hash(b"abcdefgh1"), Recent::hash(b"abcdefgh2"));
        assert_eq!(recent.get(a), None);
        recent.set(a, 7);
        assert_eq!(recent.get(a), Some(7));
        recent.forget(b);
        assert_eq!(recent.get(a), Some(7), "another key's forgetting leaves it");
        recent.forget(a);
        assert_eq!(recent.get(a), None);
        // Keys of one set: the two newest are kept, the oldest gives way, and each keeps its
        // own number however they come.
        let set = |n: u64| (n << (u64::BITS - Recent::SET_BITS)) | 1;
        let (c, d, e) = (set(5) | 0x100, set(5) | 0x200, set(5) | 0x400);
        assert_eq!(Recent::set_of(c), Recent::set_of(e));
        recent.set(c, 1);
        recent.set(d, 2);
        assert_eq!((recent.get(c), recent.get(d)), (Some(1), Some(2)));
        recent.set(c, 3);
        assert_eq!((recent.get(c), recent.get(d)), (Some(3), Some(2)));
        recent.set(e, 4);
        assert_eq!(
            (recent.get(c), recent.get(d), recent.get(e)),
            (Some(3), None, Some(4))
        );
        recent.forget(c);
        assert_eq!((recent.get(c), recent.get(e)), (None, Some(4)));
        // The sets are picked by the hash's top bits: hashes differing there alone part.
        assert_ne!(Recent::set_of(set(1)), Recent::set_of(set(2)));
        // A name found again through the cache, and one whose slot another took.
        let mut names = Names::default();
        let first = names.id("OS79XX.TXT");
        assert_eq!(names.id("OS79XX.TXT"), first);
        let hash = Recent::hash(b"OS79XX.TXT");
        names.recent.set(hash, 0);
        assert_eq!(
            names.id("OS79XX.TXT"),
            first,
            "a stale slot sends it to the map"
        );
    }
}
