//! Scratch directories for tests that need files on disk (a `HOME` with `~/.aws`), removed when
//! the test ends so repeated runs do not fill the temp directory.

use std::ops::Deref;
use std::path::{Path, PathBuf};

/// A fresh directory under the system temp dir, deleted on drop.
pub struct ScratchDir(PathBuf);

impl ScratchDir {
    /// `<tmp>/<prefix>-<pid>-<name>`, emptied first, with each of `subdirs` created inside.
    pub fn new(prefix: &str, name: &str, subdirs: &[&str]) -> std::io::Result<Self> {
        let dir = std::env::temp_dir().join(format!("{prefix}-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir)?;
        for sub in subdirs {
            std::fs::create_dir_all(dir.join(sub))?;
        }
        Ok(ScratchDir(dir))
    }
}

impl Deref for ScratchDir {
    type Target = Path;
    fn deref(&self) -> &Path {
        &self.0
    }
}

impl AsRef<Path> for ScratchDir {
    fn as_ref(&self) -> &Path {
        &self.0
    }
}

impl Drop for ScratchDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}
