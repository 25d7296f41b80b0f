//! How serve tells a Java-based phone (7906 to 7975) from the 7940/7960 it walks, without I/O:
//! a request only such a phone makes (`ITLSEP<MAC>.tlv` and `ITLFile.tlv` on 9.x, MERRICKS and
//! AIOS7962; its model's `term<nn>.default.loads`, CRIMSON-FD; a file of a family's package), a
//! model its CDP platform or web page names (`Cisco IP Phone 7961`, `CP-7961G`), or the user's
//! own `SEP<MAC>.cnf.xml` naming a family's load; and what serve says to do instead.
//!
//! May use: [`crate::knowledge`].

use crate::knowledge::family::{JavaFile, JavaLoad, JavaModel};

/// What gave a phone away as a 7906 to 7975, and what is known of its model.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Java {
    /// Its model, when the sign names one.
    pub model: Option<JavaModel>,
    /// Its family code (`41`), when the sign names one.
    pub family: Option<&'static str>,
    /// The sign, in words: `it asks for term61.default.loads, which only a 7961G asks for`.
    pub sign: String,
}

/// The Java-based model a platform or model text names: `Cisco IP Phone 7961`, `CP-7961G`,
/// `7961G-GE`.
fn model_named(text: &str) -> Option<JavaModel> {
    JavaModel::find(text).or_else(|| JavaModel::find(text.split_whitespace().last()?))
}

/// The sign in a request, `name`, of the phone with `mac`.
pub fn in_request(name: &str, mac: &str) -> Option<Java> {
    if name == format!("ITLSEP{mac}.tlv") || name == "ITLFile.tlv" {
        return Some(Java {
            model: None,
            family: None,
            sign: format!(
                "it asks for {name}, which of the phones phoneup knows only a 7906 to 7975 on 9.x asks for"
            ),
        });
    }
    let file = JavaFile::parse(name)?;
    let model = match &file {
        JavaFile::TermDefault(model) => Some(*model),
        _ => None,
    };
    let sign = match model {
        Some(model) => format!("it asks for {name}, which only a {model} asks for"),
        None => format!(
            "it asks for {name}, a file of the {} package",
            JavaModel::family_models(file.family())
        ),
    };
    Some(Java {
        model,
        family: Some(file.family()),
        sign,
    })
}

/// The sign in a model a phone's CDP announcement or web page names.
pub fn in_model(text: &str) -> Option<Java> {
    let model = model_named(text)?;
    Some(Java {
        model: Some(model),
        family: Some(model.family),
        sign: format!("its CDP announcement or web page names the model {text}"),
    })
}

/// The sign in the load the user's own `SEP<MAC>.cnf.xml` names (`loaded`, from `file`).
pub fn in_own_file(file: &str, loaded: &str) -> Option<Java> {
    let load = JavaLoad::parse(loaded)?;
    Some(Java {
        model: None,
        family: Some(load.family()),
        sign: format!(
            "its own {file} in DIR names {loaded}, a {} load",
            JavaModel::family_models(load.family())
        ),
    })
}

impl Java {
    /// `7961G`, `7941/7961` or `7906 to 7975`: what is known of the phone.
    pub fn what(&self) -> String {
        match (self.model, self.family) {
            (Some(model), _) => model.to_string(),
            (None, Some(family)) => JavaModel::family_models(family),
            (None, None) => "7906 to 7975".into(),
        }
    }

    /// The `--model` value to type: `7961`, `<7941 or 7961>`, `MODEL`.
    pub fn model_arg(&self) -> String {
        match (self.model, self.family) {
            (Some(model), _) => model.model.to_ascii_lowercase(),
            (None, Some(family)) => format!(
                "<{}>",
                JavaModel::family_models(family).replace('/', " or ")
            ),
            (None, None) => "MODEL".into(),
        }
    }

    /// Why serve holds the phone, and the commands that walk it instead.
    pub fn why(&self, mac: &str) -> String {
        let model = self.model_arg();
        format!(
            "a Java-based {} ({}): serve walks one only when its phones-file line names its model, target and load ({mac}=TARGET from=LOAD model={model}), so it serves this phone nothing that names a load and no image, and the phone keeps its load. Name it so and start serve again, or walk it with the family's commands: phoneup plan --model {model} --from LOAD --to LOAD lists the stages, phoneup apply --model {model} --from LOAD --to LOAD --stage 1 --tftp-root DIR --mac {mac} writes the first, and phoneup check --model {model} --from LOAD --tftp-root DIR --mac {mac} says what its next boot does; serve it DIR as it is (leave it out of --phones and --phones-file, and do not use --all)",
            self.what(),
            self.sign
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const MAC: &str = "0018B9000061";

    #[test]
    fn a_java_based_phone_gives_itself_away_by_its_requests() {
        let what = |name: &str| in_request(name, MAC).map(|j| (j.what(), j.model_arg()));
        assert_eq!(
            what("term61.default.loads"),
            Some(("7961G".into(), "7961".into()))
        );
        assert_eq!(
            what("term41.default.loads"),
            Some(("7941G".into(), "7941".into()))
        );
        assert_eq!(
            what("Jar41sccp.8-3-1S.sbn").map(|w| w.0),
            Some("7941/7961".into())
        );
        assert_eq!(
            what("SIP41.9-4-2SR3-1S.loads"),
            Some(("7941/7961".into(), "<7941 or 7961>".into()))
        );
        assert_eq!(
            what("ITLSEP0018B9000061.tlv"),
            Some(("7906 to 7975".into(), "MODEL".into()))
        );
        assert!(what("ITLFile.tlv").is_some());
        // What a 7940/7960 asks for gives nothing away.
        for name in [
            "CTLSEP0018B9000061.tlv",
            "SEP0018B9000061.cnf.xml",
            "XMLDefault.cnf.xml",
            "OS79XX.TXT",
            "P0S3-08-11-00.loads",
            "P0S3-08-11-00.sb2",
            "P003-08-11-00.sbn",
            "ITLSEP0018B9000062.tlv",
        ] {
            assert_eq!(what(name), None, "{name}");
        }
    }

    #[test]
    fn a_java_based_phone_gives_itself_away_by_its_model_or_its_own_file() {
        let model = |text: &str| in_model(text).map(|j| j.what());
        assert_eq!(model("Cisco IP Phone 7961"), Some("7961G".into()));
        assert_eq!(model("CP-7961G-GE"), Some("7961G-GE".into()));
        assert_eq!(model("Cisco IP Phone 7911"), Some("7911G".into()));
        assert_eq!(model("Cisco IP Phone 7960"), None);
        assert_eq!(model("CP-7940G"), None);
        let own = in_own_file("SEP0018B9000061.cnf.xml", "SCCP41.8-3-1S").unwrap();
        assert_eq!(own.what(), "7941/7961");
        assert!(in_own_file("SEP0018B9000061.cnf.xml", "P00308010200").is_none());
        let why = in_model("Cisco IP Phone 7961").unwrap().why(MAC);
        assert!(
            why.contains("phoneup apply --model 7961 --from LOAD --to LOAD --stage 1 --tftp-root DIR --mac 0018B9000061"),
            "{why}"
        );
    }
}
