//! Turning command-line paths into inputs: files, directories, glob patterns and `-` for stdin.

use std::io::Read;
use std::path::{Path, PathBuf};

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
            PathOrStdin::Stdin => {
                let mut bytes = Vec::new();
                std::io::stdin()
                    .read_to_end(&mut bytes)
                    .map_err(|e| InputError {
                        name: "<stdin>".into(),
                        message: e.to_string(),
                    })?;
                Ok(Input {
                    name: "<stdin>".into(),
                    bytes,
                })
            }
            PathOrStdin::Path(p) => {
                let name = p.display().to_string();
                match std::fs::read(p) {
                    Ok(bytes) => Ok(Input { name, bytes }),
                    Err(e) => Err(InputError {
                        name,
                        message: e.to_string(),
                    }),
                }
            }
        }
    }
}

fn walk(dir: &Path, out: &mut Vec<PathBuf>) -> std::io::Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        if path.is_dir() {
            walk(&path, out)?;
        } else if path.extension().is_some_and(|e| e == "json") {
            out.push(path);
        }
    }
    Ok(())
}
