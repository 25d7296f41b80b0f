//! What a request keeps of the server's answer: its kind and, for an error or a failure, its
//! code and its text, the text by its number in [`Texts`], where each is kept once. A request
//! is then a few plain numbers: a phone's old boot is let go of without reading it again.

use std::collections::HashMap;
use std::sync::Arc;

use crate::logs::event::Outcome;

/// Texts of answers kept once and shared (an error's text, why a transfer failed), and the
/// bytes kept of each; past them, requests share one text that says so.
pub const MAX_TEXTS: usize = 4096;
pub(crate) const MAX_TEXT_BYTES: usize = 256;

/// The text of the answers past [`MAX_TEXTS`] or [`MAX_TEXT_BYTES`]: number 0.
const PAST: &str = "(one of too many texts, not kept)";

/// What became of a request, as far as the log shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Answer {
    /// No answer in the log.
    Requested,
    Sent,
    NotFound,
    /// Another error; its text is number `text` of [`Texts`].
    Refused {
        code: Option<u16>,
        text: u32,
    },
    /// Started and never finished; why is number `why` of [`Texts`].
    Failed {
        why: u32,
    },
    /// Ended, whatever the end was (atftpd, PumpKIN).
    Ended,
}

impl Answer {
    /// Whether the answer is final: later lines about the transfer change nothing.
    pub fn is_final(self) -> bool {
        matches!(
            self,
            Answer::Sent | Answer::NotFound | Answer::Refused { .. } | Answer::Failed { .. }
        )
    }
}

/// The texts of answers, each kept once, by number.
#[derive(Debug)]
pub struct Texts {
    list: Vec<Arc<str>>,
    index: HashMap<Arc<str>, u32>,
}

impl Default for Texts {
    fn default() -> Texts {
        let past: Arc<str> = Arc::from(PAST);
        Texts {
            list: vec![past.clone()],
            index: HashMap::from([(past, 0)]),
        }
    }
}

impl Texts {
    /// What a request keeps of `outcome`, its text kept here; `None` for what no request keeps
    /// (a connection, a block resent or sent, a client's error or retry).
    pub fn answer(&mut self, outcome: &Outcome) -> Option<Answer> {
        Some(match outcome {
            Outcome::Requested => Answer::Requested,
            Outcome::Sent => Answer::Sent,
            Outcome::NotFound => Answer::NotFound,
            Outcome::Ended => Answer::Ended,
            Outcome::Refused { code, text } => Answer::Refused {
                code: *code,
                text: self.keep(text),
            },
            Outcome::Failed { why } => Answer::Failed {
                why: self.keep(why),
            },
            Outcome::Connected
            | Outcome::Resent
            | Outcome::Sending
            | Outcome::Retried
            | Outcome::ClientError { .. } => return None,
        })
    }

    /// The number of `text`, given one if it has none and there is room.
    fn keep(&mut self, text: &Arc<str>) -> u32 {
        if let Some(&id) = self.index.get(text) {
            return id;
        }
        if self.list.len() >= MAX_TEXTS || text.len() > MAX_TEXT_BYTES {
            return 0;
        }
        let id = self.list.len() as u32;
        self.list.push(text.clone());
        self.index.insert(text.clone(), id);
        id
    }

    /// Text number `id`.
    pub fn get(&self, id: u32) -> &str {
        self.list.get(id as usize).map_or(PAST, |t| t)
    }

    /// Texts kept, the one of those past the limits among them.
    pub fn len(&self) -> usize {
        self.list.len()
    }

    pub fn is_empty(&self) -> bool {
        self.list.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn texts_are_kept_once_within_their_limits() {
        let mut texts = Texts::default();
        let refused = |text: &str| Outcome::Refused {
            code: Some(2),
            text: text.into(),
        };
        let first = texts.answer(&refused("Access violation"));
        assert_eq!(first, texts.answer(&refused("Access violation")));
        let Some(Answer::Refused { text, .. }) = first else {
            panic!("{first:?}")
        };
        assert_eq!((text, texts.get(text)), (1, "Access violation"));
        let long = "x".repeat(MAX_TEXT_BYTES + 1);
        assert_eq!(
            texts.answer(&Outcome::Failed { why: long.into() }),
            Some(Answer::Failed { why: 0 })
        );
        for n in texts.len()..MAX_TEXTS + 5 {
            texts.answer(&refused(&n.to_string()));
        }
        assert_eq!(texts.len(), MAX_TEXTS);
        assert_eq!(texts.get(9999), PAST);
        assert!(!texts.is_empty());
        assert_eq!(texts.answer(&Outcome::Sending), None);
        assert_eq!(texts.answer(&Outcome::Ended), Some(Answer::Ended));
        assert!(Answer::Failed { why: 0 }.is_final());
        assert!(!Answer::Ended.is_final() && !Answer::Requested.is_final());
    }
}
