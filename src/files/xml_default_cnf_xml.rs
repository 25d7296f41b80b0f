//! `XMLDefault.cnf.xml`: the default device configuration that SCCP images and the Universal
//! Application Loader read; phoneup writes its `loadInformation<model id>` elements.

use quick_xml::events::{BytesEnd, BytesStart, BytesText, Event};
use quick_xml::{Reader, Writer};

use crate::knowledge::family::JavaModel;
use crate::knowledge::phones::Model;

pub const FILE_NAME: &str = "XMLDefault.cnf.xml";

/// One numbered element a model reads its load from (`loadInformation30018`) and its `model`
/// attribute (`IP Phone 7961`): a 7940/7960's from [`Model::load_information`], a Java-based
/// phone's from its [`crate::knowledge::family::JavaModel`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Numbered {
    pub element: String,
    pub model: String,
}

impl Numbered {
    /// The elements of the 7940 and/or 7960.
    pub fn of(model: Model) -> Vec<Numbered> {
        model
            .load_information()
            .iter()
            .map(|info| Numbered {
                element: info.element.to_string(),
                model: info.model.to_string(),
            })
            .collect()
    }

    /// The element a 7906 to 7975 reads its load from in `XMLDefault.cnf.xml`.
    pub fn of_java(model: JavaModel) -> Numbered {
        Numbered {
            element: model.xml_default_element(),
            model: model.xml_default_model(),
        }
    }
}

/// A complete minimal file naming `load` for each phone of `model`.
pub fn render(load: &str, model: Model) -> String {
    render_numbered(load, &Numbered::of(model))
}

/// A complete minimal `<Default>` file naming `load` in each element of `numbered`.
pub fn render_numbered(load: &str, numbered: &[Numbered]) -> String {
    render_root("Default", load, numbered)
}

/// A complete minimal `SEP<MAC>.cnf.xml` for a Java-based phone: `<device>` holding the
/// unnumbered `<loadInformation>` it reads, SCCP and SIP alike (ADM-7961, WHIZZY).
pub fn render_device(load: &str) -> String {
    render_root("device", load, &[])
}

fn render_root(root: &str, load: &str, numbered: &[Numbered]) -> String {
    let mut writer = Writer::new_with_indent(Vec::new(), b' ', 2);
    let write = |writer: &mut Writer<Vec<u8>>| -> std::io::Result<()> {
        writer.write_event(Event::Start(BytesStart::new(root)))?;
        if numbered.is_empty() {
            writer
                .create_element("loadInformation")
                .write_text_content(BytesText::new(load))?;
        }
        for info in numbered {
            writer
                .create_element(info.element.as_str())
                .with_attribute(("model", info.model.as_str()))
                .write_text_content(BytesText::new(load))?;
        }
        writer.write_event(Event::End(BytesEnd::new(root)))?;
        Ok(())
    };
    write(&mut writer).expect("writing to memory cannot fail");
    let mut text = String::from_utf8(writer.into_inner()).expect("quick-xml writes UTF-8");
    text.push('\n');
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_models() {
        assert_eq!(
            render("P0S3-08-11-00", Model::Both),
            "<Default>\n  \
             <loadInformation8 model=\"IP Phone 7940\">P0S3-08-11-00</loadInformation8>\n  \
             <loadInformation7 model=\"IP Phone 7960\">P0S3-08-11-00</loadInformation7>\n\
             </Default>\n"
        );
    }

    #[test]
    fn one_model() {
        let text = render("P00308010200", Model::M7960);
        assert!(text
            .contains("<loadInformation7 model=\"IP Phone 7960\">P00308010200</loadInformation7>"));
        assert!(!text.contains("loadInformation8"));
    }

    #[test]
    fn text_is_escaped() {
        assert!(render("a<b&c", Model::M7940).contains("a&lt;b&amp;c"));
    }
}

/// Sets the load in an existing XML configuration file (`XMLDefault.cnf.xml` or
/// `SEP<MAC>.cnf.xml`), changing only the text of its `loadInformation` elements for `model`
/// (and of an unnumbered `<loadInformation>`, which every model reads). Every other byte stays.
/// A missing element is added before the root's closing tag. Fails on XML that is not
/// well-formed, which phoneup will not edit.
pub fn set_load(text: &str, load: &str, model: Model) -> Result<String, String> {
    set_load_numbered(text, load, &Numbered::of(model))
}

/// Empties every `loadInformation` element for `model` (and an unnumbered one), adding empty
/// ones where the file has none: the file then names no load, and every other byte stays. A
/// loader that reads it has no load to fetch; an application starts with what it has (see
/// [`crate::phone`]'s UAL boot).
pub fn clear_load(text: &str, model: Model) -> Result<String, String> {
    set_load_numbered(text, "", &Numbered::of(model))
}

/// [`set_load`] for any numbered elements; with none (a Java-based phone's `SEP<MAC>.cnf.xml`),
/// the unnumbered `<loadInformation>` is set, and added before the root's closing tag when the
/// file has none. An empty `load` empties the elements ([`clear_load`]).
pub fn set_load_numbered(text: &str, load: &str, numbered: &[Numbered]) -> Result<String, String> {
    // quick-xml skips a byte-order mark without counting it in its positions: edit the body and
    // put the mark back (found by fuzzing).
    check_well_formed(text).map_err(|e| format!("not well-formed XML: {e}"))?;
    let (bom, body) = split_bom(text);
    let edited = format!("{bom}{}", set_load_body(body, load, numbered)?);
    // The edit must read back as intended, or it is not written (a guarantee fuzzing asked for).
    let plain = [Numbered {
        element: "loadInformation".into(),
        model: String::new(),
    }];
    let wanted = if numbered.is_empty() {
        &plain[..]
    } else {
        numbered
    };
    let reads = (!load.is_empty()).then(|| load.to_string());
    let reads_back = check_well_formed(&edited).is_ok()
        && wanted
            .iter()
            .all(|info| load_information(&edited, &info.element) == Ok(reads.clone()));
    if reads_back {
        Ok(edited)
    } else {
        Err("the file is too unusual for phoneup to edit safely; replace it with the file phoneup plan prints".into())
    }
}

/// What quick-xml alone lets through but a phone cannot rely on: exactly one root element, every
/// element closed, no text outside the root (the second finding of fuzzing).
pub fn check_well_formed(text: &str) -> Result<(), String> {
    let mut reader = quick_xml::Reader::from_str(split_bom(text).1);
    let (mut depth, mut roots) = (0usize, 0usize);
    loop {
        let event = reader
            .read_event()
            .map_err(|e| format!("at byte {}: {e}", reader.error_position()))?;
        match event {
            Event::Start(_) => {
                roots += usize::from(depth == 0);
                depth += 1;
            }
            Event::Empty(_) => roots += usize::from(depth == 0),
            Event::End(_) => depth = depth.saturating_sub(1),
            Event::Text(t) if depth == 0 && !t.iter().all(|b| b.is_ascii_whitespace()) => {
                return Err("text outside the root element".into())
            }
            Event::Eof => break,
            _ => {}
        }
        if roots > 1 {
            return Err("more than one root element".into());
        }
    }
    match (depth, roots) {
        (0, 0) => Err("no root element".into()),
        (0, _) => Ok(()),
        _ => Err("an element is not closed".into()),
    }
}

/// The leading UTF-8 byte-order marks (even repeated ones, which quick-xml would also skip
/// without counting), and the rest.
pub fn split_bom(text: &str) -> (&str, &str) {
    let rest = text.trim_start_matches('\u{feff}');
    (&text[..text.len() - rest.len()], rest)
}

fn set_load_body(text: &str, load: &str, numbered: &[Numbered]) -> Result<String, String> {
    use quick_xml::escape::escape;

    let wanted: Vec<&str> = numbered.iter().map(|info| info.element.as_str()).collect();
    let mut plain_seen = false;
    let mut reader = quick_xml::Reader::from_str(text);
    // Byte ranges to replace, with their replacement.
    let mut edits: Vec<(usize, usize, String)> = Vec::new();
    let mut seen: Vec<&str> = Vec::new();
    let mut open: Option<(String, usize)> = None; // element name, content start
    let mut depth = 0usize;
    let mut root_close: Option<usize> = None;
    let escaped = escape(load).into_owned();
    loop {
        let before = reader.buffer_position() as usize;
        let event = reader.read_event().map_err(|e| {
            format!(
                "not well-formed XML at byte {}: {e}",
                reader.error_position()
            )
        })?;
        let after = reader.buffer_position() as usize;
        match event {
            Event::Start(e) => {
                depth += 1;
                if let Some((outer, _)) = &open {
                    // Its text is not a load name (the third finding of fuzzing: nested elements).
                    return Err(format!(
                        "<{outer}> holds other elements instead of a load name"
                    ));
                }
                let name = String::from_utf8_lossy(e.name().as_ref()).into_owned();
                if name == "loadInformation" || wanted.contains(&name.as_str()) {
                    plain_seen |= name == "loadInformation";
                    open = Some((name, after));
                }
            }
            Event::End(e) => {
                if let Some((name, start)) = open.take() {
                    if e.name().as_ref() == name.as_bytes() {
                        edits.push((start, before, escaped.clone()));
                        if let Some(w) = wanted.iter().find(|w| **w == name) {
                            seen.push(w);
                        }
                    }
                }
                depth = depth.saturating_sub(1);
                if depth == 0 && root_close.is_none() {
                    root_close = Some(before);
                }
            }
            Event::Empty(e) => {
                if let Some((outer, _)) = &open {
                    return Err(format!(
                        "<{outer}> holds other elements instead of a load name"
                    ));
                }
                let name = String::from_utf8_lossy(e.name().as_ref()).into_owned();
                if name == "loadInformation" || wanted.contains(&name.as_str()) {
                    plain_seen |= name == "loadInformation";
                    edits.push((before, after, filled(&e, &name, &escaped)?));
                    if let Some(w) = wanted.iter().find(|w| **w == name) {
                        seen.push(w);
                    }
                }
            }
            Event::Eof => break,
            _ => {}
        }
    }
    let Some(close) = root_close else {
        return Err(
            "the file has no root element (such as <Default>) to hold loadInformation".into(),
        );
    };
    let ending = crate::files::sip_default_cnf::line_ending(text);
    let mut missing = String::new();
    for info in numbered {
        if !seen.contains(&info.element.as_str()) {
            missing.push_str(&format!(
                "  <{el} model=\"{m}\">{escaped}</{el}>{ending}",
                el = info.element,
                m = info.model
            ));
        }
    }
    if numbered.is_empty() && !plain_seen {
        missing.push_str(&format!(
            "  <loadInformation>{escaped}</loadInformation>{ending}"
        ));
    }
    if !missing.is_empty() {
        // Put new elements on their own lines just before the closing tag.
        let line_start = text[..close].rfind('\n').map_or(0, |i| i + 1);
        if text[line_start..close].trim().is_empty() && line_start > 0 {
            edits.push((line_start, line_start, missing));
        } else {
            edits.push((close, close, format!("{ending}{missing}")));
        }
    }
    with_edits(text, edits)
}

/// `<loadInformation8 model="..."/>` as `<loadInformation8 model="...">load</...>`, the opening
/// tag rebuilt from its parsed attributes; `escaped` is the load, escaped.
fn filled(empty: &BytesStart, name: &str, escaped: &str) -> Result<String, String> {
    use quick_xml::escape::escape;

    let mut opening = format!("<{name}");
    for attribute in empty.attributes() {
        let attribute =
            attribute.map_err(|e| format!("<{name}/> has unreadable attributes: {e}"))?;
        let value = attribute.unescape_value().map_err(|e| e.to_string())?;
        opening.push_str(&format!(
            " {}=\"{}\"",
            String::from_utf8_lossy(attribute.key.as_ref()),
            escape(value.as_ref())
        ));
    }
    opening.push('>');
    Ok(format!("{opening}{escaped}</{name}>"))
}

/// `text` with each byte range of `edits` replaced, in order; ranges may not overlap.
fn with_edits(text: &str, mut edits: Vec<(usize, usize, String)>) -> Result<String, String> {
    edits.sort_by_key(|(start, _, _)| *start);
    let mut out = String::with_capacity(text.len() + 64);
    let mut cursor = 0;
    for (start, end, replacement) in edits {
        if start < cursor || end < start {
            return Err("the loadInformation elements overlap".into());
        }
        out.push_str(&text[cursor..start]);
        out.push_str(&replacement);
        cursor = end;
    }
    out.push_str(&text[cursor..]);
    Ok(out)
}

/// The load a phone with `element` (`loadInformation8` or `7`) reads from an XML file; an
/// unnumbered `<loadInformation>` (SEP files) serves every model.
pub fn load_information(text: &str, element: &str) -> Result<Option<String>, String> {
    load_information_parts(text, element).map(|(numbered, plain)| numbered.or(plain))
}

/// The text of `element` and of the unnumbered `<loadInformation>`, each when the file has it
/// (a Java-based phone reads only its numbered element of `XMLDefault.cnf.xml`); of two, the
/// last.
pub fn load_information_parts(
    text: &str,
    element: &str,
) -> Result<(Option<String>, Option<String>), String> {
    let (numbered, plain) = load_information_values(text, element)?;
    Ok((numbered.into_iter().last(), plain.into_iter().last()))
}

/// Where a Java-based phone (7906 to 7975) reads the load it is told to run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum JavaReads<'a> {
    /// Its own `SEP<MAC>.cnf.xml`: the unnumbered `<loadInformation>`, SCCP and SIP alike
    /// (ADM-7961, WHIZZY).
    Own,
    /// `XMLDefault.cnf.xml`: its model's numbered element (`<loadInformation30018>`) and no
    /// other (ADM-7961).
    Default(&'a JavaModel),
}

/// The load a Java-based phone's configuration file names for it (its configured load), as
/// `lint`, `apply`, `probe`, `serve` and the phone model read it: of two elements it could read,
/// the first (the sources do not say which a phone takes; the phone model takes the first, and
/// everything that judges a file follows it). An error when the file is not well-formed XML,
/// which the phone model alone reads anyway ([`configured_load_leniently`]).
pub fn configured_load(text: &str, reads: JavaReads) -> Result<Option<String>, String> {
    Ok(load_information_values(text, &reads.element())?
        .0
        .into_iter()
        .next())
}

impl JavaReads<'_> {
    /// The element it reads: `loadInformation`, or `loadInformation30018`.
    fn element(&self) -> String {
        match self {
            JavaReads::Own => "loadInformation".into(),
            JavaReads::Default(model) => model.xml_default_element(),
        }
    }
}

/// [`configured_load`] as the phone model reads a file: one that is not well-formed XML is
/// read leniently, the text of the first non-empty element it reads, as [`configured_load`] takes
/// the first non-empty one of a well-formed file (no source says what a phone does with such a
/// file; the phone model read it so before [`configured_load`] existed).
pub fn configured_load_leniently(text: &str, reads: JavaReads) -> Option<String> {
    match configured_load(text, reads) {
        Ok(load) => load,
        Err(_) => first_element(text, &reads.element()),
    }
}

/// The text of the first non-empty element `<name>` (or `<name attr=...>`) in `xml`, trimmed,
/// read without parsing.
fn first_element(xml: &str, name: &str) -> Option<String> {
    let mut rest = xml;
    while let Some(at) = rest.find(&format!("<{name}")) {
        let after = &rest[at + name.len() + 1..];
        rest = after;
        if after.starts_with('>') || after.starts_with(' ') {
            let open = after.find('>')?;
            let value = &after[open + 1..];
            let close = value.find('<')?;
            let text = value[..close].trim();
            if !text.is_empty() {
                return Some(text.to_string());
            }
            rest = &value[close..];
        }
    }
    None
}

/// Every non-empty text of `element` and of the unnumbered `<loadInformation>`, in order.
fn load_information_values(
    text: &str,
    element: &str,
) -> Result<(Vec<String>, Vec<String>), String> {
    check_well_formed(text)?;
    let mut reader = Reader::from_str(text);
    let mut inside: Option<bool> = None; // Some(numbered?) while inside a matching element
    let mut numbered = Vec::new();
    let mut plain = Vec::new();
    loop {
        match reader.read_event() {
            Ok(Event::Start(e)) => {
                let name = e.name();
                let name = String::from_utf8_lossy(name.as_ref()).into_owned();
                inside = if name == element {
                    Some(true)
                } else if name == "loadInformation" {
                    Some(false)
                } else {
                    None
                };
            }
            Ok(Event::Text(t)) => {
                if let Some(is_numbered) = inside {
                    let value = t.decode().map_err(|e| e.to_string())?.trim().to_string();
                    if !value.is_empty() {
                        if is_numbered {
                            numbered.push(value);
                        } else {
                            plain.push(value);
                        }
                    }
                }
            }
            Ok(Event::End(_)) => inside = None,
            Ok(Event::Eof) => break,
            Ok(_) => {}
            Err(e) => return Err(format!("at byte {}: {e}", reader.error_position())),
        }
    }
    Ok((numbered, plain))
}

#[cfg(test)]
mod edit_tests {
    use super::*;

    const USER_FILE: &str = "<Default>\r\n<callManagerGroup>\r\n<members>\r\n<member priority=\"0\">\r\n<callManager>\r\n<ports>\r\n<ethernetPhonePort>2000</ethernetPhonePort>\r\n</ports>\r\n<processNodeName>192.168.0.1</processNodeName>\r\n</callManager>\r\n</member>\r\n</members>\r\n</callManagerGroup>\r\n<loadInformation6 model=\"IP Phone 7910\"></loadInformation6>\r\n<loadInformation8 model=\"IP Phone 7940\"></loadInformation8>\r\n<loadInformation7 model=\"IP Phone 7960\">P0S3-07-2-00</loadInformation7>\r\n</Default>\r\n";

    #[test]
    fn a_cleared_file_names_no_load_and_keeps_every_other_byte() {
        let cleared = clear_load(USER_FILE, Model::Both).unwrap();
        assert_eq!(cleared, USER_FILE.replace(">P0S3-07-2-00<", "><"));
        for element in ["loadInformation7", "loadInformation8"] {
            assert_eq!(load_information(&cleared, element), Ok(None));
        }
        // A file with no element gets empty ones; a self-closed one stays empty.
        let bare = clear_load("<Default>\n<x>1</x>\n</Default>\n", Model::M7960).unwrap();
        assert!(bare.contains("<loadInformation7 model=\"IP Phone 7960\"></loadInformation7>"));
        let closed = "<Default><loadInformation8 model=\"IP Phone 7940\"/></Default>";
        assert_eq!(
            load_information(
                &clear_load(closed, Model::M7940).unwrap(),
                "loadInformation8"
            ),
            Ok(None)
        );
        assert_eq!(
            load_information(&render("", Model::Both), "loadInformation7"),
            Ok(None)
        );
    }

    #[test]
    fn a_java_phones_files_get_its_own_elements() {
        let numbered = [Numbered {
            element: "loadInformation30018".into(),
            model: "IP Phone 7961".into(),
        }];
        let edited = set_load_numbered(USER_FILE, "SIP41.9-4-2SR3-1S", &numbered).unwrap();
        // The 7940/7960 elements keep their loads; the 7961's is added in the file's line ending.
        assert!(edited.contains(">P0S3-07-2-00</loadInformation7>\r\n"));
        assert!(edited.ends_with(
            "  <loadInformation30018 model=\"IP Phone 7961\">SIP41.9-4-2SR3-1S</loadInformation30018>\r\n</Default>\r\n"
        ));
        assert_eq!(
            render_numbered("SCCP41.8-5-2S", &numbered),
            "<Default>\n  <loadInformation30018 model=\"IP Phone 7961\">SCCP41.8-5-2S</loadInformation30018>\n</Default>\n"
        );
    }

    #[test]
    fn a_java_phones_sep_file_gets_its_unnumbered_element() {
        assert_eq!(
            render_device("SIP41.9-4-2SR3-1S"),
            "<device>\n  <loadInformation>SIP41.9-4-2SR3-1S</loadInformation>\n</device>\n"
        );
        let user = "<device>\n<deviceProtocol>SIP</deviceProtocol>\n</device>\n";
        let added = set_load_numbered(user, "SIP41.9-4-2SR3-1S", &[]).unwrap();
        assert_eq!(
            added,
            "<device>\n<deviceProtocol>SIP</deviceProtocol>\n  <loadInformation>SIP41.9-4-2SR3-1S</loadInformation>\n</device>\n"
        );
        let changed = set_load_numbered(&added, "SCCP41.8-5-2S", &[]).unwrap();
        assert_eq!(changed, added.replace("SIP41.9-4-2SR3-1S", "SCCP41.8-5-2S"));
        assert_eq!(
            set_load_numbered(&changed, "SCCP41.8-5-2S", &[]).unwrap(),
            changed
        );
        // A self-closing element is filled, not doubled.
        assert_eq!(
            set_load_numbered("<device><loadInformation/></device>", "L", &[]).unwrap(),
            "<device><loadInformation>L</loadInformation></device>"
        );
        // An edit that would not read back as the load (a blank one reads as none) is refused.
        assert!(set_load_numbered("<device></device>", " ", &[]).is_err());
    }

    #[test]
    fn only_the_load_texts_change() {
        let edited = set_load(USER_FILE, "P0S3-08-11-00", Model::Both).unwrap();
        let expected = USER_FILE
            .replace(
                "<loadInformation8 model=\"IP Phone 7940\"></loadInformation8>",
                "<loadInformation8 model=\"IP Phone 7940\">P0S3-08-11-00</loadInformation8>",
            )
            .replace(">P0S3-07-2-00<", ">P0S3-08-11-00<");
        assert_eq!(edited, expected);
    }

    #[test]
    fn one_model_leaves_the_other_alone() {
        let edited = set_load(USER_FILE, "P0S3-08-11-00", Model::M7960).unwrap();
        assert!(edited.contains("<loadInformation8 model=\"IP Phone 7940\"></loadInformation8>"));
        assert!(edited.contains(">P0S3-08-11-00</loadInformation7>"));
    }

    #[test]
    fn missing_elements_are_added_before_the_closing_tag_in_the_files_line_ending() {
        let edited = set_load(
            "<Default>\r\n  <x>1</x>\r\n</Default>\r\n",
            "L",
            Model::Both,
        )
        .unwrap();
        assert_eq!(
            edited,
            "<Default>\r\n  <x>1</x>\r\n  <loadInformation8 model=\"IP Phone 7940\">L</loadInformation8>\r\n  <loadInformation7 model=\"IP Phone 7960\">L</loadInformation7>\r\n</Default>\r\n"
        );
        let edited = set_load("<Default></Default>", "L", Model::M7940).unwrap();
        assert_eq!(edited, "<Default>\n  <loadInformation8 model=\"IP Phone 7940\">L</loadInformation8>\n</Default>");
    }

    #[test]
    fn self_closing_and_unnumbered_elements_are_filled() {
        let edited = set_load(
            "<Default><loadInformation>P0S3-8-12-00</loadInformation><loadInformation8 model=\"IP Phone 7940\"/></Default>",
            "P0S3-08-11-00",
            Model::M7940,
        )
        .unwrap();
        assert_eq!(
            edited,
            "<Default><loadInformation>P0S3-08-11-00</loadInformation><loadInformation8 model=\"IP Phone 7940\">P0S3-08-11-00</loadInformation8></Default>"
        );
    }

    #[test]
    fn the_result_reads_back_and_a_second_edit_is_a_no_op() {
        let once = set_load(USER_FILE, "P0S3-08-11-00", Model::Both).unwrap();
        assert_eq!(set_load(&once, "P0S3-08-11-00", Model::Both).unwrap(), once);
        for element in ["loadInformation8", "loadInformation7"] {
            assert_eq!(
                load_information(&once, element).unwrap().as_deref(),
                Some("P0S3-08-11-00")
            );
        }
    }

    #[test]
    fn a_byte_order_mark_is_kept_and_does_not_shift_the_edit() {
        let text = "\u{feff}<Default>\n  <loadInformation8 model=\"IP Phone 7940\">P0S3-07-2-00</loadInformation8>\n</Default>\n";
        let once = set_load(text, "P0S3-08-11-00", Model::M7940).unwrap();
        assert_eq!(once, text.replace("P0S3-07-2-00", "P0S3-08-11-00"));
        assert_eq!(
            set_load(&once, "P0S3-08-11-00", Model::M7940).unwrap(),
            once
        );
    }

    #[test]
    fn fuzz_regression_two_byte_order_marks() {
        let text = "\u{feff}\u{feff}<Default>\nt>t>  \n<loadInformano\nti  onF\u{8}IFnao\n= \n\n'\0@@\t\0\"\"@ion/>o\u{8}0/  <loadInf@\0'''\n\0/>\" olrn\u{8}</Default>\n";
        let once = set_load(text, "P0S3-08-11-00", Model::Both).unwrap();
        assert_eq!(set_load(&once, "P0S3-08-11-00", Model::Both).unwrap(), once);
        let clean = "\u{feff}\u{feff}<Default></Default>";
        let once = set_load(clean, "L", Model::M7940).unwrap();
        assert!(once.starts_with("\u{feff}\u{feff}<Default>"));
        assert_eq!(set_load(&once, "L", Model::M7940).unwrap(), once);
    }

    #[test]
    fn fuzz_regression_bom_then_junk_is_idempotent() {
        let text = "\u{feff}<  |lo\0\0efault>Defat</>\n \0 <Inftio\u{7}loadI-<lnformaZtion9\0em>\0=n6\0\u{f}>\nP";
        // Junk after the BOM is now refused outright instead of being edited twice differently.
        let refused = set_load(text, "P0S3-08-11-00", Model::Both).unwrap_err();
        assert!(refused.contains("outside the root element"), "{refused}");
        // A BOM on a sound file is kept, and the edit is stable.
        let sound = "\u{feff}<Default>\n</Default>\n";
        let once = set_load(sound, "P0S3-08-11-00", Model::Both).unwrap();
        assert!(once.starts_with('\u{feff}'));
        assert_eq!(set_load(&once, "P0S3-08-11-00", Model::Both).unwrap(), once);
    }

    #[test]
    fn fuzz_regression_a_second_root_and_an_unclosed_element_are_refused() {
        let text =
            "(<></>\0\0!<Defaut>\n  <loadInformation8 mrma  <loa \0\0\u{11}t>efault/>*t\u{11}1>>";
        assert!(set_load(text, "P0S3-08-11-00", Model::Both).is_err());
        assert!(set_load("<a/><b/>", "L", Model::Both)
            .unwrap_err()
            .contains("more than one root"));
        assert!(set_load("<Default><x>", "L", Model::Both)
            .unwrap_err()
            .contains("not closed"));
        assert!(set_load("junk<Default/>", "L", Model::Both)
            .unwrap_err()
            .contains("outside"));
        assert!(check_well_formed("\u{feff}<Default>\n</Default>\n").is_ok());
    }

    #[test]
    fn fuzz_regression_nested_load_information_is_refused_not_a_panic() {
        let text = "<Default>\n    <loadInformation8 model00</lonbormatio&;\r\r\r\n\n\n&;\r\r\n\n\n<loadInformation8 m\n\r\t\tadIn<Default>\n    <loadInformation8 model\n\n&;\r\r\n\n\n<loadInformation8 m\n\r\t\t\t\t\t\t\t\t l\n//>n8 modadInfor\r\n\x08mation6>\n\x00;\n07-\t\t\t\t\t\t l\n//>n8 modadInfor\r\n\x08mation6>\n\x00;\n07-2-00</loadInformation8>\x00\x003\x08</Default>\n";
        let _ = set_load(text, "P0S3-08-11-00", Model::Both);
        let nested = "<Default><loadInformation8 model=\"IP Phone 7940\"><loadInformation8>x</loadInformation8></loadInformation8></Default>";
        assert!(set_load(nested, "L", Model::Both)
            .unwrap_err()
            .contains("holds other elements"));
    }

    #[test]
    fn fuzz_regression_a_self_closing_element_with_odd_attributes_is_never_corrupted() {
        let text = "<Default>\n    <loadInformation7 \u{feff}ion8 m\n\r\t\tadl?/>mn8 odadInfor\r\n\u{8}mation6>\nDt\0;\n07-\t3\u{8}\r\n</Default>\n";
        let refused = set_load(text, "P0S3-08-11-00", Model::Both).unwrap_err();
        assert!(refused.contains("unreadable attributes"), "{refused}");
        let plain = "<Default><loadInformation7 model=\"IP Phone 7960\" /></Default>";
        assert_eq!(
            set_load(plain, "L", Model::M7960).unwrap(),
            "<Default><loadInformation7 model=\"IP Phone 7960\">L</loadInformation7></Default>"
        );
    }

    #[test]
    fn broken_xml_is_refused() {
        assert!(set_load("<Default><loadInformation8>x</Default>", "L", Model::Both).is_err());
        assert!(set_load("", "L", Model::Both).is_err());
        assert!(set_load("just text", "L", Model::Both).is_err());
    }
}

#[cfg(test)]
mod read_tests {
    use super::*;

    #[test]
    fn load_information_prefers_the_model_element() {
        let xml = "<Default><loadInformation8 model=\"IP Phone 7940\">A</loadInformation8>\
                   <loadInformation7 model=\"IP Phone 7960\">B</loadInformation7></Default>";
        assert_eq!(
            load_information(xml, "loadInformation8")
                .unwrap()
                .as_deref(),
            Some("A")
        );
        assert_eq!(
            load_information(xml, "loadInformation7")
                .unwrap()
                .as_deref(),
            Some("B")
        );
        let fussylogic_7940 =
            "<Default>\n  <loadInformation>P0S3-8-12-00</loadInformation>\n</Default>";
        assert_eq!(
            load_information(fussylogic_7940, "loadInformation8")
                .unwrap()
                .as_deref(),
            Some("P0S3-8-12-00")
        );
        assert_eq!(
            load_information("<Default></Default>", "loadInformation8").unwrap(),
            None
        );
        assert!(
            load_information("<Default><loadInformation8>x</Default>", "loadInformation8").is_err()
        );
    }

    #[test]
    fn a_java_phones_configured_load_is_its_own_element_and_the_first_of_two() {
        let model = crate::knowledge::family::JavaModel::find("7961").unwrap();
        let xml = "<Default><loadInformation>SIP41.X</loadInformation><loadInformation30018 model=\"IP Phone 7961\">SCCP41.A</loadInformation30018><loadInformation30018>SCCP41.B</loadInformation30018></Default>";
        assert_eq!(
            configured_load(xml, JavaReads::Default(&model)),
            Ok(Some("SCCP41.A".into()))
        );
        assert_eq!(
            configured_load(xml, JavaReads::Own),
            Ok(Some("SIP41.X".into()))
        );
        // The 7940/7960 reading keeps the last, as before.
        assert_eq!(
            load_information_parts(xml, "loadInformation30018"),
            Ok((Some("SCCP41.B".into()), Some("SIP41.X".into())))
        );
        // A SEP file with only a numbered element names nothing for the phone it belongs to.
        let numbered_only =
            "<device><loadInformation30018>SCCP41.A</loadInformation30018></device>";
        assert_eq!(configured_load(numbered_only, JavaReads::Own), Ok(None));
        let unnumbered_only = "<Default><loadInformation>SCCP41.A</loadInformation></Default>";
        assert_eq!(
            configured_load(unnumbered_only, JavaReads::Default(&model)),
            Ok(None)
        );
        assert!(configured_load("<device><loadInformation>x</device>", JavaReads::Own).is_err());
        // Not well-formed: read leniently, the first non-empty element, as a well-formed file.
        let broken = "<device><loadInformation></loadInformation><loadInformation>SIP41.Y</device>";
        assert!(configured_load(broken, JavaReads::Own).is_err());
        assert_eq!(
            configured_load_leniently(broken, JavaReads::Own),
            Some("SIP41.Y".into())
        );
        let empty = "<device><loadInformation> </loadInformation><loadInformation30018>";
        assert_eq!(configured_load_leniently(empty, JavaReads::Own), None);
    }
}
