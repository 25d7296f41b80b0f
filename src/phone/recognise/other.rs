//! Other phones' files among the names a boot asks for. Which phones a name belongs to is
//! [`crate::knowledge::models`]'s (the one home of the 79x1 family's names, which every command
//! asks); what this adds is the part a name plays in a boot: a model's default `.loads` after a
//! factory reset, a load's manifest, one of its component files, or the identity trust list
//! (`ITLSEP<MAC>.tlv`, `ITLFile.tlv`) that a 79x1 phone asks for after `CTLSEP<MAC>.tlv` and
//! that no 7940/7960 hunt names (a 7942G's log in waynemerricks/Cisco7942FreePBX, a 7962G's in
//! aioslablhr/aios); and, for the 79x1 phones phoneup plans ([`crate::knowledge::family`]), the
//! `--model` that plans them.

use std::fmt;

use crate::knowledge::models::{self, OtherModel};

/// Which of another phone's files a name is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// `term<NN>.default.loads`: the load a phone of one model fetches after a factory reset.
    DefaultLoads,
    /// `SCCP<NN>...loads`, `SIP<NN>...`, `TERM<NN>...`: a load's manifest.
    Loads,
    /// `jar`, `cnu`, `apps`, `dsp` or `cvm<NN>...sbn`, or another model's image.
    Component,
    /// `ITLSEP<MAC>.tlv` or `ITLFile.tlv`: the identity trust list.
    TrustList,
}

/// Another phone's file: the phones it is for (as [`models::other_model`] names them, or
/// `79x1` for a trust list any of them asks for), and what it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OtherPhone {
    pub models: &'static str,
    pub kind: Kind,
}

impl OtherPhone {
    /// Which phone's file `name` is, if another phone's (case is ignored).
    pub fn of(name: &str) -> Option<OtherPhone> {
        if name.eq_ignore_ascii_case("ITLFile.tlv") || is_itl_sep(name) {
            return Some(OtherPhone {
                models: "79x1",
                kind: Kind::TrustList,
            });
        }
        let OtherModel { models } = models::other_model(name)?;
        let kind = match name.rsplit_once('.').map(|(_, ext)| ext) {
            Some(ext) if ext.eq_ignore_ascii_case("loads") => {
                match name
                    .get(..4)
                    .is_some_and(|h| h.eq_ignore_ascii_case("term"))
                    && name.to_ascii_lowercase().ends_with(".default.loads")
                {
                    true => Kind::DefaultLoads,
                    false => Kind::Loads,
                }
            }
            _ => Kind::Component,
        };
        Some(OtherPhone { models, kind })
    }

    /// Whose file this is, in words: `a 7906's file`, `a 7906/7911 file`, or for a trust
    /// list, `a file 79x1 phones ask for (7906 to 7975)`.
    pub fn file_words(&self) -> String {
        match (self.kind, self.models.contains('/')) {
            (Kind::TrustList, _) => "a file 79x1 phones ask for (7906 to 7975)".into(),
            (_, false) => format!("a {}'s file", self.models),
            (_, true) => format!("a {} file", self.models),
        }
    }

    /// The `--model` of `phoneup plan` for these phones: `7911`, `<7906 or 7911>` for a
    /// family's file, `<its model>` for a trust list; `None` for a phone phoneup does not plan
    /// (a 7905, an ATA).
    pub fn plan_model(&self) -> Option<String> {
        if self.kind == Kind::TrustList {
            return Some("<its model>".into());
        }
        crate::knowledge::models::plan_model(self.models)
    }

    /// The command that plans these phones' upgrade: `phoneup plan --model 7911 --from <its
    /// App Load ID> --to <the load you want>`; `None` for a phone phoneup does not plan.
    pub fn plan_command(&self) -> Option<String> {
        self.plan_model().map(|model| {
            format!(
                "phoneup plan --model {model} --from <its App Load ID> --to <the load you want>"
            )
        })
    }
}

impl fmt::Display for OtherPhone {
    /// What a boot that asked for it is: `a 7906 load or hunt (\`phoneup plan --model 7906\`
    /// plans it)`, or for a phone phoneup does not plan, `a 7905 load or hunt, not planned by
    /// phoneup`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (self.kind, self.plan_model()) {
            (Kind::TrustList, _) => f.write_str(
                "a 79x1 phone's hunt (7906 to 7975; `phoneup plan --model <its model>` plans it)",
            ),
            (_, Some(model)) => write!(
                f,
                "a {} load or hunt (`phoneup plan --model {model}` plans it)",
                self.models
            ),
            (_, None) => write!(f, "a {} load or hunt, not planned by phoneup", self.models),
        }
    }
}

/// `ITLSEP<MAC>.tlv`, any case.
fn is_itl_sep(name: &str) -> bool {
    let Some(mac) = name
        .get(..6)
        .filter(|head| head.eq_ignore_ascii_case("ITLSEP"))
        .and_then(|_| name.get(6..name.len().checked_sub(4)?))
    else {
        return false;
    };
    let tail = &name[6 + mac.len()..];
    tail.eq_ignore_ascii_case(".tlv")
        && mac.len() == 12
        && mac.bytes().all(|b| b.is_ascii_hexdigit())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_names_of_the_field_logs_and_cisco_guides() {
        let cases = [
            ("term06.default.loads", "7906", Kind::DefaultLoads),
            ("term11.default.loads", "7911", Kind::DefaultLoads),
            ("TERM61.DEFAULT.LOADS", "7961", Kind::DefaultLoads),
            ("SCCP11.7-2-1-0S.loads", "7906/7911", Kind::Loads),
            ("SIP41.9-4-2SR3-1S.loads", "7941/7961", Kind::Loads),
            ("Jar11sip.8-2-2ES4.sbn", "7906/7911", Kind::Component),
            ("cnu41.8-3-0-50.sbn", "7941/7961", Kind::Component),
            ("jar70sccp.8-2-2TR2.sbn", "7970/7971", Kind::Component),
            ("ITLSEP000E84C060A6.tlv", "79x1", Kind::TrustList),
            ("itlfile.TLV", "79x1", Kind::TrustList),
        ];
        for (name, models, kind) in cases {
            let other = OtherPhone::of(name).unwrap_or_else(|| panic!("{name}"));
            assert_eq!((other.models, other.kind), (models, kind), "{name}");
        }
        let of = |name| OtherPhone::of(name).unwrap();
        assert_eq!(
            of("term06.default.loads").to_string(),
            "a 7906 load or hunt (`phoneup plan --model 7906` plans it)"
        );
        assert_eq!(
            of("SIP41.9-4-2SR3-1S.loads").to_string(),
            "a 7941/7961 load or hunt (`phoneup plan --model <7941 or 7961>` plans it)"
        );
        assert_eq!(
            of("ITLFile.tlv").to_string(),
            "a 79x1 phone's hunt (7906 to 7975; `phoneup plan --model <its model>` plans it)"
        );
        // A phone phoneup does not plan is still said to be one.
        assert_eq!(
            of("CP7912080000SIP060111A.sbin").to_string(),
            "a 7912 load or hunt, not planned by phoneup"
        );
        assert_eq!(of("ata030204SCCP090202A.zup").plan_command(), None);
        assert_eq!(
            of("term61.default.loads").plan_command().as_deref(),
            Some("phoneup plan --model 7961 --from <its App Load ID> --to <the load you want>")
        );
        assert_eq!(of("term11.default.loads").file_words(), "a 7911's file");
        assert_eq!(of("cnu11.8-2-2ES4.sbn").file_words(), "a 7906/7911 file");
        assert_eq!(
            of("ITLFile.tlv").file_words(),
            "a file 79x1 phones ask for (7906 to 7975)"
        );
    }

    #[test]
    fn the_7940_7960s_own_names_and_near_misses_are_not_another_phones() {
        for name in [
            "P0S3-08-11-00.loads",
            "P003-08-11-00.sbn",
            "CTLSEP0018B9000001.tlv",
            "ITLSEP0018B9.tlv",
            "ITLSEP0018B9ZZZZZZ.tlv",
            "ITLSEPéééééé.tlv",
            "ITLSEP",
            "x",
            "",
        ] {
            assert_eq!(OtherPhone::of(name), None, "{name}");
        }
    }
}
