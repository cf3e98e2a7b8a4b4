//! XMP: Adobe's XML metadata. Listed field by field so people can see what it holds; it is never
//! written back (see `MetadataPolicy::KeepSafe`), so a small tolerant scanner is enough here, not
//! an XML parser.

use super::{MetadataField, MetadataGroup, NewField, SensitiveKind};

/// The properties of one XMP packet: attributes of `rdf:Description` and simple or list-valued
/// elements, in document order.
pub fn fields(packet: &str) -> Vec<MetadataField> {
    let mut fields = Vec::new();
    // The property element being read, and the text gathered for it (list items joined).
    let mut open: Vec<String> = Vec::new();
    let mut values: Vec<Vec<String>> = Vec::new();
    let mut rest = packet;
    while let Some(start) = rest.find('<') {
        let text = &rest[..start];
        if let Some(current) = values.last_mut() {
            let text = unescape(text.trim());
            if !text.is_empty() {
                current.push(text);
            }
        }
        rest = &rest[start + 1..];
        let Some(end) = rest.find('>') else { break };
        let tag = &rest[..end];
        rest = &rest[end + 1..];
        if tag.starts_with('?') || tag.starts_with('!') {
            continue;
        }
        if let Some(name) = tag.strip_prefix('/') {
            if open.last().map(String::as_str) == Some(name.trim()) {
                let name = open.pop().unwrap_or_default();
                let value = values.pop().unwrap_or_default().join(", ");
                if !value.is_empty() {
                    fields.push(field(&name, value));
                }
            }
            continue;
        }
        let self_closing = tag.ends_with('/');
        let tag = tag.trim_end_matches('/');
        let (name, attributes) = tag.split_once(char::is_whitespace).unwrap_or((tag, ""));
        for (attribute, value) in parse_attributes(attributes) {
            if is_property(attribute) {
                fields.push(field(attribute, unescape(value)));
            }
        }
        if is_property(name) && !self_closing {
            open.push(name.to_string());
            values.push(Vec::new());
        }
    }
    fields
}

/// Names in the RDF and XMP framing, or namespace declarations, are structure, not properties.
fn is_property(name: &str) -> bool {
    let Some((prefix, _)) = name.split_once(':') else { return false };
    !matches!(prefix, "rdf" | "x" | "xml" | "xmlns" | "stEvt" | "stRef") && !name.starts_with("xmlns")
}

fn parse_attributes(mut text: &str) -> Vec<(&str, &str)> {
    let mut out = Vec::new();
    while let Some(eq) = text.find('=') {
        let name = text[..eq].trim();
        let after = text[eq + 1..].trim_start();
        let Some(quote) = after.chars().next().filter(|c| *c == '"' || *c == '\'') else { break };
        let Some(close) = after[1..].find(quote) else { break };
        out.push((name, &after[1..1 + close]));
        text = &after[close + 2..];
    }
    out
}

fn unescape(text: &str) -> String {
    text.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", "\"").replace("&apos;", "'").replace("&amp;", "&")
}

fn field(name: &str, value: String) -> MetadataField {
    MetadataField::new(MetadataGroup::Xmp, name, value, sensitivity(name))
}

/// Classifies an XMP property by its local name, across the namespaces that use it
/// (`exif:GPSLatitude`, `photoshop:City`, `dc:creator`, `aux:SerialNumber`...).
pub fn sensitivity(name: &str) -> Option<SensitiveKind> {
    let (namespace, local) = name.rsplit_once(':').unwrap_or(("", name));
    let local = local.to_ascii_lowercase();
    let is = |names: &[&str]| names.contains(&local.as_str());
    let location = [
        "city",
        "state",
        "country",
        "countrycode",
        "countryname",
        "location",
        "sublocation",
        "provincestate",
        "provincename",
        "worldregion",
        "locationcreated",
        "locationshown",
        "locationname",
    ];
    let device = [
        "serialnumber",
        "bodyserialnumber",
        "lensserialnumber",
        "cameraserialnumber",
        "imageuniqueid",
        "documentid",
        "instanceid",
        "originaldocumentid",
        "hostcomputer",
    ];
    let person = [
        "creator",
        "artist",
        "author",
        "rights",
        "copyright",
        "copyrightnotice",
        "owner",
        "ownername",
        "cameraownername",
        "credit",
        "authorsposition",
        "captionwriter",
        "creatorcontactinfo",
        "copyrightowner",
        "personinimage",
        "persondisplayname",
        "name",
        "nickname",
        "contact",
        "webstatement",
        "marked",
    ];
    let free_text = [
        "description",
        "title",
        "subject",
        "keywords",
        "lastkeywordxmp",
        "headline",
        "instructions",
        "caption",
        "comment",
        "usercomment",
        "imagedescription",
        "documentname",
        "label",
        "event",
        "source",
        "transmissionreference",
        "usageterms",
        "textlayertext",
    ];
    if local.starts_with("gps") || is(&location) {
        Some(SensitiveKind::Location)
    } else if is(&device) {
        Some(SensitiveKind::Device)
    } else if is(&person) || local.starts_with("ci") && namespace == "Iptc4xmpCore" {
        // Iptc4xmpCore:Ci* are the creator's contact details (address, e-mail, phone).
        Some(SensitiveKind::Person)
    } else if is(&free_text) || local.starts_with("xp") {
        Some(SensitiveKind::FreeText)
    } else if is(&["history", "thumbnails", "documentancestors", "derivedfrom"])
        || local == "image" && namespace == "xmpGImg"
        || local == "data" && matches!(namespace, "GDepth" | "GImage")
    {
        // Edit history, previews, and Google's depth maps and original images (portrait mode).
        Some(SensitiveKind::HiddenContent)
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const PACKET: &str = r#"<?xpacket begin="" id="W5M0MpCehiHzreSzNTczkc9d"?>
<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
<rdf:Description rdf:about="" xmlns:xmp="http://ns.adobe.com/xap/1.0/" xmlns:exif="http://ns.adobe.com/exif/1.0/"
 xmp:CreatorTool="Darktable" exif:GPSLatitude="52,30.5N" photoshop:City="Berlin &amp; around">
<dc:creator><rdf:Seq><rdf:li>Jane Example</rdf:li><rdf:li>John</rdf:li></rdf:Seq></dc:creator>
<aux:SerialNumber>12345</aux:SerialNumber>
<dc:format>image/jpeg</dc:format>
</rdf:Description></rdf:RDF></x:xmpmeta><?xpacket end="w"?>"#;

    #[test]
    fn lists_attribute_and_element_properties_with_their_privacy() {
        let fields = fields(PACKET);
        let get = |name: &str| fields.iter().find(|f| f.name == name).unwrap_or_else(|| panic!("no {name} in {fields:#?}"));
        assert_eq!(get("xmp:CreatorTool").sensitive, None);
        assert_eq!(get("exif:GPSLatitude").sensitive, Some(SensitiveKind::Location));
        assert_eq!(get("photoshop:City").value, "Berlin & around");
        assert_eq!(get("dc:creator").value, "Jane Example, John");
        assert_eq!(get("dc:creator").sensitive, Some(SensitiveKind::Person));
        assert_eq!(get("aux:SerialNumber").sensitive, Some(SensitiveKind::Device));
        assert_eq!(get("dc:format").value, "image/jpeg");
        assert_eq!(get("dc:format").sensitive, None);
        assert!(fields.iter().all(|f| !f.name.starts_with("xmlns") && !f.name.starts_with("rdf:")));
    }

    #[test]
    fn survives_broken_markup() {
        for broken in ["<", "<a:b", "<x:y attr=\"unclosed>", "</a:b>", "<a:b>text"] {
            let _ = fields(broken);
        }
    }
}
