//! The file and load names of other Cisco phones, so that every command names the phone a name
//! belongs to instead of taking it for a 7940/7960's: `term06.default.loads` is a 7906's default
//! load, `SCCP41.8-5-2SR1S` a 7941/7961 load, `Jar11sip.9-2-1S.sbn` a 7906/7911 component.
//! Serve, diagnose, identify, simulate and probe all ask [`other_model`].
//!
//! May use: [`crate::family`] (which of these phones are planned) and the standard library.

/// Which phones a two-digit model code names, in a default `.loads` file (`termNN`), where it
/// names one model, and in a load or component name, where it names the family.
const CODES: [(&str, &str, &str); 11] = [
    // (code, the model of termNN, the models of a load or component named with it)
    ("06", "7906", "7906/7911"),
    ("11", "7911", "7906/7911"),
    ("41", "7941", "7941/7961"),
    ("61", "7961", "7941/7961"),
    ("42", "7942", "7942/7962"),
    ("62", "7962", "7942/7962"),
    ("45", "7945", "7945/7965"),
    ("65", "7965", "7945/7965"),
    ("70", "7970", "7970/7971"),
    ("71", "7971", "7970/7971"),
    ("75", "7975", "7975"),
];

/// The name families of the Java-based phones' files, before their model code: the default
/// `.loads` (`term`), the load names (`SCCP`, `SIP`, `TERM`) and the component files (`apps`,
/// `cnu`, `cvm`, `dsp`, `jar`).
const FAMILIES: [&str; 8] = ["term", "sccp", "sip", "apps", "cnu", "cvm", "dsp", "jar"];

/// The name prefixes of other families of phone and adaptor, with what they are.
const OTHERS: [(&str, &str); 6] = [
    ("cp7902", "7902"),
    ("cp7905", "7905"),
    ("cp7912", "7912"),
    ("ld-v", "7905 H.323"),
    ("ata", "ATA adaptor"),
    ("cp79", "7902/7905/7912"),
];

/// A name that belongs to a phone phoneup does not plan for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OtherModel {
    /// `7906`, `7906/7911`, `7941/7961`, `7905`.
    pub models: &'static str,
}

impl OtherModel {
    /// `a 7906/7911 load (\`phoneup plan --model <7906 or 7911>\` plans it)` for the Java-based
    /// phones the matrix's families plan, `a 7905 load, not planned by phoneup` for the others.
    pub fn describe(&self) -> String {
        match plan_model(self.models) {
            Some(model) => format!(
                "a {} load (`phoneup plan --model {model}` plans it)",
                self.models
            ),
            None => format!("a {} load, not planned by phoneup", self.models),
        }
    }
}

/// The `--model` value that plans the phones `models` names (`7906/7911`): `7911`, or
/// `<7906 or 7911>` for several; `None` when a family of the matrix plans none of them.
pub fn plan_model(models: &str) -> Option<String> {
    let models: Vec<&str> = models.split('/').collect();
    if !models
        .iter()
        .all(|m| crate::family::JavaModel::find(m).is_some())
    {
        return None;
    }
    Some(match models.as_slice() {
        [one] => (*one).to_string(),
        many => format!("<{}>", many.join(" or ")),
    })
}

/// The other phone `name` (a file or load name, in any case, with or without a leading `/`)
/// belongs to, if it is one of theirs; `None` for a 7940/7960 name or anything else.
pub fn other_model(name: &str) -> Option<OtherModel> {
    let name = name.trim().trim_start_matches(['.', '/']);
    let lower = name.to_ascii_lowercase();
    for family in FAMILIES {
        let Some(rest) = lower.strip_prefix(family) else {
            continue;
        };
        let Some(code) = rest.get(..2) else {
            continue;
        };
        // A code and then a separator or the component's protocol: `term06.`, `SCCP41.`,
        // `jar41sip.`, `cvm11sccp.`.
        let after = &rest[2..];
        if !(after.starts_with('.') || after.starts_with("sip") || after.starts_with("sccp")) {
            continue;
        }
        let Some((_, single, family_models)) = CODES.iter().find(|(c, _, _)| *c == code) else {
            continue;
        };
        let models = if family == "term" {
            single
        } else {
            family_models
        };
        return Some(OtherModel { models });
    }
    OTHERS
        .iter()
        .find(|(prefix, _)| lower.starts_with(prefix))
        .map(|(_, models)| OtherModel { models })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_other_phones_names_name_their_phone() {
        let models = |name| other_model(name).map(|m| m.models);
        assert_eq!(models("term06.default.loads"), Some("7906"));
        assert_eq!(models("term11.default.loads"), Some("7911"));
        assert_eq!(models("TERM41.7-0-3-0S"), Some("7941"));
        assert_eq!(models("/term61.default.loads"), Some("7961"));
        assert_eq!(models("SCCP41.8-5-2SR1S"), Some("7941/7961"));
        assert_eq!(models("SIP11.9-2-1S"), Some("7906/7911"));
        assert_eq!(models("Jar11sip.9-2-1S.sbn"), Some("7906/7911"));
        assert_eq!(models("jar41sccp.9-4-2ES26.sbn"), Some("7941/7961"));
        assert_eq!(models("cnu41.9-2-1-1S.sbn"), Some("7941/7961"));
        assert_eq!(models("SIP70.8-0-3S"), Some("7970/7971"));
        assert_eq!(models("CP7912080000SIP060111A.sbin"), Some("7912"));
        // The 7940/7960's own names are not another phone's.
        for own in [
            "P0S3-08-11-00.loads",
            "SIPDefault.cnf",
            "SIP0018B9FFFFFF.cnf",
            "SEPDefault.cnf",
            "SEP0018B9FFFFFF.cnf.xml",
            "XMLDefault.cnf.xml",
            "OS79XX.TXT",
            "RINGLIST.DAT",
            "dialplan.xml",
        ] {
            assert_eq!(other_model(own), None, "{own}");
        }
        assert_eq!(
            other_model("term06.default.loads").unwrap().describe(),
            "a 7906 load (`phoneup plan --model 7906` plans it)"
        );
        assert_eq!(
            other_model("SCCP41.8-5-2SR1S").unwrap().describe(),
            "a 7941/7961 load (`phoneup plan --model <7941 or 7961>` plans it)"
        );
        assert_eq!(
            other_model("CP7912080000SIP060111A.sbin")
                .unwrap()
                .describe(),
            "a 7912 load, not planned by phoneup"
        );
    }
}
