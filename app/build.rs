//! Generates the `i18n` module from `locales/*.json` with `leptos_i18n`: one
//! function per key, checked at compile time, for every locale.

use std::error::Error;
use std::path::PathBuf;

use leptos_i18n_build::options::CodegenOptions;
use leptos_i18n_build::{Config, ParseOptions, TranslationsInfos};

fn main() -> Result<(), Box<dyn Error>> {
    println!("cargo::rerun-if-changed=build.rs");
    let out = PathBuf::from(std::env::var("OUT_DIR")?).join("i18n");
    // Japanese first: the default for a browser that states no preference.
    let config = Config::new("ja")?
        .add_locale("en")?
        .parse_options(ParseOptions::new().interpolate_display(true));
    let translations = TranslationsInfos::parse(config)?;
    translations.emit_diagnostics();
    translations.rerun_if_locales_changed();
    // The generated code is not ours to lint.
    let attributes =
        "#![allow(clippy::all, clippy::pedantic, missing_debug_implementations)]".parse()?;
    translations.generate_i18n_module_with_options(
        out,
        CodegenOptions::new().top_level_attributes(Some(attributes)),
    )?;
    Ok(())
}
