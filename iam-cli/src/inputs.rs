//! Turning command-line paths into inputs: files, directories, glob patterns and `-` for stdin.

use std::io::Read;
use std::path::{Path, PathBuf};

/// The most the command line reads of one input: enough for every policy the parser's size limit
/// reports on with its real size (1 MiB by default), while `/dev/zero` or a runaway pipe cannot
/// take all the memory.
pub const MAX_INPUT_BYTES: u64 = 64 << 20;

/// Reads at most [`MAX_INPUT_BYTES`], or says the input is larger.
pub fn read_bounded(mut from: impl Read, name: &str) -> Result<Vec<u8>, InputError> {
    let mut bytes = Vec::new();
    let error = |message: String| InputError {
        name: name.to_string(),
        message,
    };
    (&mut from)
        .take(MAX_INPUT_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| error(e.to_string()))?;
    if bytes.len() as u64 > MAX_INPUT_BYTES {
        return Err(error(format!(
            "larger than {} MiB; iam reads no more of one input (LIMIT_EXCEEDED)",
            MAX_INPUT_BYTES >> 20
        )));
    }
    Ok(bytes)
}

/// One input to check.
pub struct Input {
    /// How to name it in output: the path, or `<stdin>`.
    pub name: String,
    /// The bytes read.
    pub bytes: Vec<u8>,
}

/// A problem with an input that stops it from being read.
pub struct InputError {
    /// The path or pattern as given.
    pub name: String,
    /// What went wrong.
    pub message: String,
}

/// Expands `paths` in order: `-` is stdin; an existing file is itself; a directory is every
/// `*.json` file below it, sorted; anything else is a glob pattern, which must match something.
pub fn expand(paths: &[String]) -> (Vec<PathOrStdin>, Vec<InputError>) {
    let mut out = Vec::new();
    let mut errors = Vec::new();
    for p in paths {
        if p == "-" {
            out.push(PathOrStdin::Stdin);
            continue;
        }
        let path = Path::new(p);
        if path.is_dir() {
            let mut found = Vec::new();
            if let Err(e) = walk(path, &mut found) {
                errors.push(InputError {
                    name: p.clone(),
                    message: e.to_string(),
                });
            }
            found.sort();
            if found.is_empty() {
                errors.push(InputError {
                    name: p.clone(),
                    message: "the directory holds no .json files".into(),
                });
            }
            out.extend(found.into_iter().map(PathOrStdin::Path));
        } else if path.exists() {
            out.push(PathOrStdin::Path(path.to_path_buf()));
        } else if p.contains(['*', '?', '[']) {
            match glob::glob(p) {
                Ok(paths) => {
                    let mut found: Vec<PathBuf> = paths
                        .filter_map(Result::ok)
                        .filter(|p| p.is_file())
                        .collect();
                    found.sort();
                    if found.is_empty() {
                        errors.push(InputError {
                            name: p.clone(),
                            message: "the pattern matches no files".into(),
                        });
                    }
                    out.extend(found.into_iter().map(PathOrStdin::Path));
                }
                Err(e) => errors.push(InputError {
                    name: p.clone(),
                    message: format!("invalid glob pattern: {e}"),
                }),
            }
        } else {
            errors.push(InputError {
                name: p.clone(),
                message: "no such file or directory".into(),
            });
        }
    }
    (out, errors)
}

/// A file path or standard input.
pub enum PathOrStdin {
    /// A file.
    Path(PathBuf),
    /// Standard input.
    Stdin,
}

impl PathOrStdin {
    /// Reads the whole input.
    pub fn read(&self) -> Result<Input, InputError> {
        match self {
            PathOrStdin::Stdin => Ok(Input {
                name: "<stdin>".into(),
                bytes: read_bounded(std::io::stdin(), "<stdin>")?,
            }),
            PathOrStdin::Path(p) => {
                let name = p.display().to_string();
                let file = std::fs::File::open(p).map_err(|e| InputError {
                    name: name.clone(),
                    message: e.to_string(),
                })?;
                Ok(Input {
                    bytes: read_bounded(file, &name)?,
                    name,
                })
            }
        }
    }
}

/// Every `*.json` file below `dir`. A directory reached again through a symbolic link (a loop,
/// or two links to one place) is read once.
fn walk(dir: &Path, out: &mut Vec<PathBuf>) -> std::io::Result<()> {
    let mut seen = std::collections::HashSet::new();
    walk_in(dir, out, &mut seen)
}

fn walk_in(
    dir: &Path,
    out: &mut Vec<PathBuf>,
    seen: &mut std::collections::HashSet<PathBuf>,
) -> std::io::Result<()> {
    if !seen.insert(std::fs::canonicalize(dir)?) {
        return Ok(());
    }
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        if path.is_dir() {
            walk_in(&path, out, seen)?;
        } else if path.extension().is_some_and(|e| e == "json") {
            out.push(path);
        }
    }
    Ok(())
}
