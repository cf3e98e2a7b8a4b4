//! The "download all" ZIP, built in the browser. Entries are stored, not deflated: JPEG, PNG and
//! WebP are already compressed, and storing keeps it fast for hundreds of megabytes.

use std::io::{Cursor, Write};

use zip::{CompressionMethod, DateTime, ZipWriter, write::SimpleFileOptions};

/// A local date and time, for the entries' modification times.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Timestamp {
    pub year: u16,
    pub month: u8,
    pub day: u8,
    pub hour: u8,
    pub minute: u8,
    pub second: u8,
}

/// A ZIP holding each `(name, bytes)`, in order. Names must be unique (see `naming::unique`).
pub fn build(entries: &[(String, Vec<u8>)], modified: Timestamp) -> Result<Vec<u8>, String> {
    let size: usize = entries.iter().map(|(name, bytes)| bytes.len() + 2 * name.len() + 100).sum();
    let mut zip = ZipWriter::new(Cursor::new(Vec::with_capacity(size + 22)));
    // ZIP dates start in 1980; a clock before that gets the earliest date rather than an error.
    let time = DateTime::from_date_and_time(modified.year, modified.month, modified.day, modified.hour, modified.minute, modified.second)
        .unwrap_or_default();
    let options = SimpleFileOptions::default()
        .compression_method(CompressionMethod::Stored)
        .last_modified_time(time)
        // Over 4 GiB needs ZIP64; browsers give out long before a batch gets there.
        .large_file(false);
    let failed = |e: &dyn std::fmt::Display| format!("The ZIP could not be built: {e}.");
    for (name, bytes) in entries {
        zip.start_file(name.as_str(), options).map_err(|e| failed(&e))?;
        zip.write_all(bytes).map_err(|e| failed(&e))?;
    }
    Ok(zip.finish().map_err(|e| failed(&e))?.into_inner())
}

#[cfg(test)]
mod tests {
    use super::*;

    const WHEN: Timestamp = Timestamp { year: 2026, month: 11, day: 25, hour: 14, minute: 30, second: 0 };

    #[test]
    fn entries_come_back_byte_for_byte() {
        let entries = vec![("a-10w.jpg".to_string(), vec![0xFF, 0xD8, 1, 2, 3]), ("b-5w.png".to_string(), b"\x89PNG".to_vec())];
        let zip = build(&entries, WHEN).unwrap();
        let mut archive = zip::ZipArchive::new(Cursor::new(zip)).unwrap();
        assert_eq!(archive.len(), 2);
        for (i, (name, bytes)) in entries.iter().enumerate() {
            let mut file = archive.by_index(i).unwrap();
            assert_eq!(file.name().unwrap(), name.as_str());
            assert_eq!(file.compression(), CompressionMethod::Stored);
            let mut read = Vec::new();
            std::io::Read::read_to_end(&mut file, &mut read).unwrap();
            assert_eq!(&read, bytes);
        }
    }

    #[test]
    fn an_empty_batch_is_an_empty_zip() {
        let zip = build(&[], WHEN).unwrap();
        assert_eq!(zip::ZipArchive::new(Cursor::new(zip)).unwrap().len(), 0);
    }
}
