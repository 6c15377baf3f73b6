//! Opening the files a command reads: only regular files, checked before
//! they are opened (opening a FIFO would wait for a writer forever, and a
//! device such as `/dev/zero` never ends).

use std::fs::File;
use std::path::Path;

use super::Fail;

/// Opens `path` for reading if it is a regular file; `then` ends the message
/// (e.g. "; nothing stored").
pub(super) fn open_regular(path: &Path, then: &str) -> Result<File, Fail> {
    let name = path.display();
    let meta = std::fs::metadata(path).map_err(|e| Fail::new(format!("cannot open {name}: {e}{then}"), 2))?;
    if !meta.is_file() {
        let what = if meta.is_dir() { "a directory" } else { "not a regular file (a device, FIFO or socket)" };
        return Err(Fail::new(format!("{name} is {what}, not a capture{then}"), 2));
    }
    File::open(path).map_err(|e| Fail::new(format!("cannot open {name}: {e}{then}"), 2))
}
