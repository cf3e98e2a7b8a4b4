//! The files a run works on: the files named, the images in the folders named (and their
//! sub-folders with `--recursive`), each with the folder its result goes to, in a fixed order so
//! that every run of the same command names its results alike.

use std::path::{Path, PathBuf};

/// Extensions taken from folders (files named on the command line are always taken: the engine
/// recognises formats by their bytes, and says so when it does not).
const IMAGE_EXTENSIONS: [&str; 8] = ["jpg", "jpeg", "png", "webp", "gif", "bmp", "tif", "tiff"];

/// One input file and where its result goes.
#[derive(Clone, Debug, PartialEq)]
pub struct Source {
    pub path: PathBuf,
    /// The sub-folder of `--out` the result goes to (empty but for files found in sub-folders).
    pub sub_folder: PathBuf,
}

impl Source {
    /// The file's name, from which the result's is made.
    pub fn name(&self) -> String {
        self.path.file_name().map_or_else(|| self.path.display().to_string(), |n| n.to_string_lossy().into_owned())
    }
}

/// The sources of `inputs`, or what is wrong with an input.
pub fn collect(inputs: &[PathBuf], recursive: bool) -> Result<Vec<Source>, String> {
    let mut sources = Vec::new();
    for input in inputs {
        let meta = std::fs::metadata(input).map_err(|e| format!("{}: {e}", input.display()))?;
        if meta.is_dir() {
            walk(input, Path::new(""), recursive, &mut sources).map_err(|e| format!("{}: {e}", input.display()))?;
        } else {
            sources.push(Source { path: input.clone(), sub_folder: PathBuf::new() });
        }
    }
    Ok(sources)
}

fn walk(dir: &Path, sub_folder: &Path, recursive: bool, sources: &mut Vec<Source>) -> std::io::Result<()> {
    let mut entries: Vec<_> = std::fs::read_dir(dir)?.collect::<Result<_, _>>()?;
    entries.sort_by_key(|entry| entry.file_name());
    for entry in entries {
        let name = entry.file_name();
        // Hidden files and folders (.git, .thumbnails, our own temporary files) are not photos.
        if name.to_string_lossy().starts_with('.') {
            continue;
        }
        let path = entry.path();
        if path.is_dir() {
            if recursive {
                walk(&path, &sub_folder.join(&name), recursive, sources)?;
            }
        } else if is_image_name(&path) {
            sources.push(Source { path, sub_folder: sub_folder.to_path_buf() });
        }
    }
    Ok(())
}

fn is_image_name(path: &Path) -> bool {
    path.extension().is_some_and(|ext| IMAGE_EXTENSIONS.iter().any(|known| ext.eq_ignore_ascii_case(known)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folders_give_their_images_in_order_and_sub_folders_only_when_recursive() {
        let root = std::env::temp_dir().join(format!("localpix-inputs-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&root);
        std::fs::create_dir_all(root.join("trip/day 2")).unwrap();
        for file in ["b.JPG", "a.png", "notes.txt", ".hidden.jpg", "trip/c.webp", "trip/day 2/d.jpeg"] {
            std::fs::write(root.join(file), b"").unwrap();
        }
        let flat = collect(std::slice::from_ref(&root), false).unwrap();
        assert_eq!(flat.iter().map(Source::name).collect::<Vec<_>>(), ["a.png", "b.JPG"]);
        let deep = collect(&[root.clone(), root.join("notes.txt")], true).unwrap();
        let found: Vec<_> = deep.iter().map(|s| (s.name(), s.sub_folder.clone())).collect();
        assert_eq!(
            found,
            [
                ("a.png".into(), PathBuf::new()),
                ("b.JPG".into(), PathBuf::new()),
                ("c.webp".into(), PathBuf::from("trip")),
                ("d.jpeg".into(), PathBuf::from("trip/day 2")),
                ("notes.txt".into(), PathBuf::new()),
            ]
        );
        assert!(collect(&[root.join("missing.jpg")], false).is_err());
        std::fs::remove_dir_all(&root).unwrap();
    }
}
