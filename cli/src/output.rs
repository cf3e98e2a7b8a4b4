//! Results on disk: named as the web app names them (`kleiber-1920w.jpg`, numbered when two
//! results would share a name), never over an input, and written whole or not at all.
//!
//! A result is written to a file without a name (Linux `O_TMPFILE`), which gets its name only
//! once every byte is in, so a run killed at any moment leaves no partial file. Where the file
//! system cannot do that, a hidden temporary name is used and renamed: a kill can then leave a
//! complete `.…localpix-tmp` file behind, but still never a partial result under a result's name.

use std::{
    collections::HashMap,
    ffi::CString,
    fs::File,
    io::Write,
    os::{fd::FromRawFd, unix::ffi::OsStrExt},
    path::{Path, PathBuf},
};

use localpix_contract::ImageFormat;
use localpix_settings::naming::{UniqueNames, output_name};

/// The names given in each output folder so far, and the inputs' own names there.
pub struct Namer {
    out: PathBuf,
    folders: HashMap<PathBuf, UniqueNames>,
    /// Inputs inside the output folders, by folder: their names are never given.
    inputs: Vec<PathBuf>,
}

impl Namer {
    /// `inputs` are every input of the run; those that sit in an output folder keep their name.
    pub fn new(out: &Path, inputs: impl IntoIterator<Item = PathBuf>) -> Self {
        let inputs = inputs.into_iter().filter_map(|path| path.canonicalize().ok()).collect();
        Self { out: out.to_path_buf(), folders: HashMap::new(), inputs }
    }

    /// The path for the result of `original` (a file name) in `sub_folder` of the output folder.
    pub fn claim(&mut self, sub_folder: &Path, original: &str, format: ImageFormat, width: u32) -> PathBuf {
        let folder = self.out.join(sub_folder);
        let names = self.folders.entry(folder.clone()).or_insert_with(|| {
            let mut names = UniqueNames::default();
            let here = folder.canonicalize().ok();
            for input in &self.inputs {
                if input.parent().map(Path::to_path_buf) == here {
                    names.reserve(&input.file_name().unwrap_or_default().to_string_lossy());
                }
            }
            names
        });
        folder.join(names.claim(&output_name(original, format, width)))
    }
}

/// Writes `bytes` to `path` whole or not at all, replacing an earlier result of the same name.
pub fn write_whole(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let folder = path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    std::fs::create_dir_all(folder)?;
    let temp = temp_name(path);
    match unnamed_file(folder) {
        Ok(mut file) => {
            file.write_all(bytes)?;
            // Give it a name only now that it is whole; a rename then puts it in place, replacing
            // an earlier result (linkat refuses to replace).
            let fd_path = CString::new(format!("/proc/self/fd/{}", std::os::fd::AsRawFd::as_raw_fd(&file)))?;
            let temp_c = CString::new(temp.as_os_str().as_bytes())?;
            // SAFETY: both are valid NUL-terminated paths; AT_SYMLINK_FOLLOW links the open
            // file's inode (the /proc link), which needs no privilege, unlike AT_EMPTY_PATH.
            let linked =
                unsafe { libc::linkat(libc::AT_FDCWD, fd_path.as_ptr(), libc::AT_FDCWD, temp_c.as_ptr(), libc::AT_SYMLINK_FOLLOW) };
            if linked != 0 {
                return Err(std::io::Error::last_os_error());
            }
        }
        Err(_) => {
            let written = std::fs::write(&temp, bytes);
            if written.is_err() {
                let _ = std::fs::remove_file(&temp);
                return written;
            }
        }
    }
    std::fs::rename(&temp, path).inspect_err(|_| {
        let _ = std::fs::remove_file(&temp);
    })
}

/// A new file in `folder` with no name (O_TMPFILE); it vanishes if the process dies.
#[cfg(target_os = "linux")]
fn unnamed_file(folder: &Path) -> std::io::Result<File> {
    let folder = CString::new(folder.as_os_str().as_bytes())?;
    // SAFETY: a valid NUL-terminated path; the descriptor returned is owned by the File.
    let fd = unsafe { libc::open(folder.as_ptr(), libc::O_TMPFILE | libc::O_WRONLY | libc::O_CLOEXEC, 0o644) };
    if fd < 0 {
        return Err(std::io::Error::last_os_error());
    }
    // SAFETY: `fd` was just opened and nothing else owns it.
    Ok(unsafe { File::from_raw_fd(fd) })
}

/// Elsewhere (macOS, the BSDs) there is no O_TMPFILE: the hidden temporary name serves.
#[cfg(not(target_os = "linux"))]
fn unnamed_file(_folder: &Path) -> std::io::Result<File> {
    Err(std::io::ErrorKind::Unsupported.into())
}

/// A hidden name beside `path`, unique to this process.
fn temp_name(path: &Path) -> PathBuf {
    let name = path.file_name().unwrap_or_default().to_string_lossy();
    path.with_file_name(format!(".{name}.{}.localpix-tmp", std::process::id()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn results_are_named_as_in_the_app_and_never_over_an_input() {
        let out = std::env::temp_dir().join(format!("localpix-namer-{}", std::process::id()));
        std::fs::create_dir_all(&out).unwrap();
        let input = out.join("Photo-1920w.jpg");
        std::fs::write(&input, b"x").unwrap();
        let mut namer = Namer::new(&out, [input.clone()]);
        let at = |namer: &mut Namer, folder: &str, name: &str| namer.claim(Path::new(folder), name, ImageFormat::Jpeg, 1920);
        assert_eq!(at(&mut namer, "", "kleiber.jpeg"), out.join("kleiber-1920w.jpg"));
        assert_eq!(at(&mut namer, "", "kleiber.png"), out.join("kleiber-1920w-2.jpg"));
        assert_eq!(at(&mut namer, "", "photo.jpg"), out.join("photo-1920w-2.jpg"), "the input's own name is taken");
        assert_eq!(at(&mut namer, "trip", "kleiber.jpg"), out.join("trip/kleiber-1920w.jpg"), "each folder names its own");
        std::fs::remove_dir_all(&out).unwrap();
    }

    #[test]
    fn writing_replaces_whole_and_leaves_no_temporary_file() {
        let out = std::env::temp_dir().join(format!("localpix-write-{}", std::process::id()));
        let path = out.join("sub/a-10w.png");
        write_whole(&path, b"first").unwrap();
        write_whole(&path, b"second").unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"second");
        assert_eq!(std::fs::read_dir(out.join("sub")).unwrap().count(), 1);
        std::fs::remove_dir_all(&out).unwrap();
    }
}
