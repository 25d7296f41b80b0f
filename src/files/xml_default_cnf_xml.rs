//! `XMLDefault.cnf.xml`: the default device configuration that SCCP images and the Universal
//! Application Loader read; phoneup writes its `loadInformation<model id>` elements.

use quick_xml::events::{BytesEnd, BytesStart, BytesText, Event};
use quick_xml::Writer;

use crate::phone_model::Model;

pub const FILE_NAME: &str = "XMLDefault.cnf.xml";

/// A complete minimal file naming `load` for each phone of `model`.
pub fn render(load: &str, model: Model) -> String {
    let mut writer = Writer::new_with_indent(Vec::new(), b' ', 2);
    let write = |writer: &mut Writer<Vec<u8>>| -> std::io::Result<()> {
        writer.write_event(Event::Start(BytesStart::new("Default")))?;
        for info in model.load_information() {
            writer
                .create_element(info.element)
                .with_attribute(("model", info.model))
                .write_text_content(BytesText::new(load))?;
        }
        writer.write_event(Event::End(BytesEnd::new("Default")))?;
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
