// Shared by the backends' build scripts (`include!`d): embeds every
// `migrations/<dialect>/NNNN_name.up.sql` with its `.down.sql` into
// `$OUT_DIR/migrations.rs` as a `&[modelreg_core::migrations::Migration]`.

fn embed_migrations(dialect: &str) {
    let manifest = std::path::PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").unwrap());
    let dir = manifest.join("..").join("migrations").join(dialect);
    println!("cargo:rerun-if-changed={}", dir.display());
    let mut entries: Vec<_> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", dir.display()))
        .map(|e| e.unwrap().path())
        .filter(|p| p.to_string_lossy().ends_with(".up.sql"))
        .collect();
    entries.sort();
    let mut out = String::from("&[\n");
    for up in entries {
        let file = up.file_name().unwrap().to_string_lossy().into_owned();
        let stem = file.trim_end_matches(".up.sql");
        let (number, name) = stem.split_once('_').expect("migration files are NNNN_name.up.sql");
        let version: i64 = number.parse().expect("migration files start with a number");
        let down = dir.join(format!("{stem}.down.sql"));
        assert!(down.exists(), "{} has no {}", file, down.display());
        println!("cargo:rerun-if-changed={}", up.display());
        println!("cargo:rerun-if-changed={}", down.display());
        out.push_str(&format!(
            "    modelreg_core::migrations::Migration {{ version: {version}, name: {name:?}, up: include_str!({up:?}), down: include_str!({down:?}) }},\n",
            up = up.display().to_string(),
            down = down.display().to_string(),
        ));
    }
    out.push(']');
    let target = std::path::PathBuf::from(std::env::var("OUT_DIR").unwrap()).join("migrations.rs");
    std::fs::write(target, out).unwrap();
}
