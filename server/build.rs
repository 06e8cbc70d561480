//! Compiles the console's Tailwind-style utility classes to CSS with encre-css, in Rust, at
//! build time. Every `.rs` file under `app/src` is scanned; `style/base.css` is prepended.
//! The result is embedded in the binary and served as `/pkg/gatehouse.css`.

use std::path::{Path, PathBuf};

fn collect_rs(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            collect_rs(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

fn main() {
    let root =
        PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR"))
            .parent()
            .expect("server/ sits in the workspace root")
            .to_path_buf();
    let app_src = root.join("app/src");
    let base_css = root.join("style/base.css");
    println!("cargo:rerun-if-changed={}", app_src.display());
    println!("cargo:rerun-if-changed={}", base_css.display());
    // `sqlx::migrate!` embeds migrations/; a new file there must rebuild the server.
    println!(
        "cargo:rerun-if-changed={}",
        root.join("migrations").display()
    );

    let mut files = Vec::new();
    collect_rs(&app_src, &mut files);
    files.sort();
    let sources: Vec<String> = files
        .iter()
        .map(|f| {
            println!("cargo:rerun-if-changed={}", f.display());
            std::fs::read_to_string(f).expect("app source is readable")
        })
        .collect();

    let mut config = encre_css::Config::default();
    // Dark mode follows a class on <html>, so the theme toggle can override the system setting.
    config.theme.dark_mode = encre_css::config::DarkMode::new_class("html.dark");
    let utilities = encre_css::generate(sources.iter().map(String::as_str), &config);
    let base = std::fs::read_to_string(&base_css).unwrap_or_default();

    let out =
        PathBuf::from(std::env::var("OUT_DIR").expect("cargo sets OUT_DIR")).join("gatehouse.css");
    std::fs::write(out, format!("{utilities}\n{base}")).expect("OUT_DIR is writable");
}
