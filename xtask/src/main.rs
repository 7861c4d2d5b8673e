//! `cargo xtask dist`: builds the web assets into dist/ — the visitor widget
//! (Yew → wasm32 → wasm-bindgen → npm binaryen's wasm-opt), the agent console
//! (same pipeline, into dist/console/: the inbox module, and the admin module it
//! loads on demand), the embed loader, the frame page and the
//! example storefronts — with content-hashed names, pre-compressed `.br`/`.gz`
//! copies, `dist/manifest.json` (with a hash of every source) and
//! `dist/files.rs`, the list the relay includes to embed dist/ in its binary.
//!
//! `cargo xtask check-dist` fails when dist/ is stale: its recorded source hash
//! differs from the sources' current hash, or a file differs from the manifest.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};

use sha2::{Digest, Sha256};

type Result<T> = std::result::Result<T, String>;

/// Directories and files whose content decides what dist/ holds.
const SOURCES: &[&str] = &[
    "widget/src",
    "widget/index.html",
    "widget/widget.css",
    "widget/Cargo.toml",
    "agent-console/src",
    "agent-console/index.html",
    "agent-console/favicon.svg",
    "agent-console/Cargo.toml",
    "console-kit/src",
    "console-kit/Cargo.toml",
    "console-admin/src",
    "console-admin/Cargo.toml",
    "protocol/src",
    "protocol/Cargo.toml",
    "browser/src",
    "browser/Cargo.toml",
    "embed",
    "examples",
    "xtask/src",
];

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("dist") => dist(),
        Some("check-dist") => check_dist(),
        Some("source-hash") => source_hash(&root()).and_then(|h| print_line(&h)),
        _ => Err("usage: cargo xtask <dist | check-dist | source-hash>".into()),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("xtask: {e}");
            ExitCode::FAILURE
        }
    }
}

/// Writes one line to stdout (the hash, for scripts).
fn print_line(text: &str) -> Result<()> {
    use std::io::Write as _;
    writeln!(std::io::stdout(), "{text}").map_err(|e| e.to_string())
}

fn root() -> PathBuf {
    let manifest = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    manifest.parent().map(Path::to_path_buf).unwrap_or(manifest)
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().fold(String::with_capacity(bytes.len() * 2), |mut s, b| {
        let _ = write!(s, "{b:02x}");
        s
    })
}

fn sha256_hex(data: &[u8]) -> String {
    hex(&Sha256::digest(data))
}

fn read(path: &Path) -> Result<Vec<u8>> {
    std::fs::read(path).map_err(|e| format!("{}: {e}", path.display()))
}

fn write(path: &Path, data: &[u8]) -> Result<()> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    }
    std::fs::write(path, data).map_err(|e| format!("{}: {e}", path.display()))
}

/// Every file under `path` (or `path` itself), sorted, skipping build output.
fn walk(path: &Path, out: &mut Vec<PathBuf>) -> Result<()> {
    if path.is_file() {
        out.push(path.to_path_buf());
        return Ok(());
    }
    if !path.is_dir() {
        return Ok(());
    }
    let mut entries: Vec<PathBuf> = std::fs::read_dir(path)
        .map_err(|e| format!("{}: {e}", path.display()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .collect();
    entries.sort();
    for p in entries {
        let name = p.file_name().and_then(|n| n.to_str()).unwrap_or("");
        if name.starts_with('.') || name == "target" || name == "node_modules" {
            continue;
        }
        walk(&p, out)?;
    }
    Ok(())
}

/// SHA-256 over the paths and contents of every source file.
fn source_hash(root: &Path) -> Result<String> {
    let mut files = Vec::new();
    for s in SOURCES {
        walk(&root.join(s), &mut files)?;
    }
    let mut h = Sha256::new();
    for f in files {
        let rel = f.strip_prefix(root).unwrap_or(&f).to_string_lossy().replace('\\', "/");
        h.update(rel.as_bytes());
        h.update([0]);
        let data = read(&f)?;
        h.update((data.len() as u64).to_le_bytes());
        h.update(&data);
    }
    Ok(hex(&h.finalize()))
}

fn run(cmd: &mut Command) -> Result<()> {
    let shown = format!("{cmd:?}");
    let status = cmd.status().map_err(|e| format!("{shown}: {e}"))?;
    if status.success() { Ok(()) } else { Err(format!("{shown} failed: {status}")) }
}

/// The wasm-bindgen version pinned in Cargo.lock.
fn locked_wasm_bindgen(root: &Path) -> Result<String> {
    let lock = String::from_utf8_lossy(&read(&root.join("Cargo.lock"))?).into_owned();
    let mut lines = lock.lines();
    while let Some(line) = lines.next() {
        if line == "name = \"wasm-bindgen\""
            && let Some(v) = lines.next().and_then(|l| l.strip_prefix("version = \""))
        {
            return Ok(v.trim_end_matches('"').to_owned());
        }
    }
    Err("wasm-bindgen is not in Cargo.lock".into())
}

fn check_wasm_bindgen(root: &Path) -> Result<()> {
    let want = locked_wasm_bindgen(root)?;
    let out = Command::new("wasm-bindgen")
        .arg("--version")
        .output()
        .map_err(|e| format!("wasm-bindgen CLI not found ({e}); run scripts/setup-web-toolchain.sh"))?;
    let have = String::from_utf8_lossy(&out.stdout);
    if !have.contains(&want) {
        return Err(format!(
            "wasm-bindgen CLI is {}, Cargo.lock wants {want}: cargo install wasm-bindgen-cli --version {want}",
            have.trim()
        ));
    }
    Ok(())
}

/// npm binaryen's wasm-opt (Debian's v108 produces broken modules).
fn wasm_opt(root: &Path) -> Result<PathBuf> {
    if let Ok(p) = std::env::var("WASM_OPT") {
        return Ok(PathBuf::from(p));
    }
    let p = root.join("tests/browser/node_modules/.bin/wasm-opt");
    if p.exists() {
        Ok(p)
    } else {
        Err(format!("{} is missing; run scripts/setup-web-toolchain.sh (npm binaryen)", p.display()))
    }
}

/// Builds one wasm crate with the size-first profile and returns (glue js, wasm).
fn build_wasm(root: &Path, package: &str, lib: &str) -> Result<(String, Vec<u8>)> {
    let target_dir = std::env::var("NATTER_WASM_TARGET_DIR")
        .or_else(|_| std::env::var("CARGO_TARGET_DIR"))
        .map(PathBuf::from)
        .unwrap_or_else(|_| root.join("target/wasm"));
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    eprintln!("xtask: building {package} (release, opt-level z, fat LTO, 1 codegen unit, panic abort)");
    run(Command::new(cargo)
        .current_dir(root)
        .args(["build", "--release", "--target", "wasm32-unknown-unknown", "-p", package])
        .env("CARGO_TARGET_DIR", &target_dir)
        // The workspace's release profile is tuned for the relay; this one for size.
        .env("CARGO_PROFILE_RELEASE_OPT_LEVEL", "z")
        .env("CARGO_PROFILE_RELEASE_LTO", "fat")
        .env("CARGO_PROFILE_RELEASE_CODEGEN_UNITS", "1")
        .env("CARGO_PROFILE_RELEASE_PANIC", "abort")
        // Not stripped here: wasm-bindgen reads the target_features section;
        // wasm-opt strips debug info and producers afterwards.
        .env("CARGO_PROFILE_RELEASE_STRIP", "false")
        .env("CARGO_PROFILE_RELEASE_DEBUG", "false"))?;
    let wasm_in = target_dir.join(format!("wasm32-unknown-unknown/release/{lib}.wasm"));
    let tmp = target_dir.join(format!("xtask-{lib}"));
    let _ = std::fs::remove_dir_all(&tmp);
    run(Command::new("wasm-bindgen")
        .args(["--target", "web", "--no-typescript", "--out-dir"])
        .arg(&tmp)
        .arg(&wasm_in))?;
    let bg = tmp.join(format!("{lib}_bg.wasm"));
    let opt = tmp.join(format!("{lib}_opt.wasm"));
    run(Command::new(wasm_opt(root)?)
        .args([
            "-Oz",
            "--strip-debug",
            "--strip-producers",
            "--enable-bulk-memory",
            "--enable-nontrapping-float-to-int",
            "--enable-sign-ext",
        ])
        .arg(&bg)
        .arg("-o")
        .arg(&opt))?;
    let js = String::from_utf8(read(&tmp.join(format!("{lib}.js")))?).map_err(|e| e.to_string())?;
    Ok((inline_snippets(&js, &tmp)?, read(&opt)?))
}

/// A name a glue imports from a snippet, and the alias it uses, if any.
type ImportedName<'a> = (&'a str, Option<&'a str>);

/// `import { a, b as c } from './snippets/…';` → the names (with their aliases) and the path.
fn snippet_import(line: &str) -> Option<(Vec<ImportedName<'_>>, &str)> {
    let rest = line.strip_prefix("import { ")?;
    let (items, from) = rest.split_once(" } from './")?;
    let path = from.strip_suffix("';")?;
    path.starts_with("snippets/").then_some(())?;
    let items = items
        .split(", ")
        .map(|i| match i.split_once(" as ") {
            Some((name, alias)) => (name, Some(alias)),
            None => (i, None),
        })
        .collect();
    Some((items, path))
}

/// Puts the crate's inline JS snippets (`#[wasm_bindgen(inline_js = …)]`) into
/// the glue in place of their imports, so the glue stays one hashed file. Only
/// `export function` snippets are supported (checked).
fn inline_snippets(js: &str, out_dir: &Path) -> Result<String> {
    let mut out = String::with_capacity(js.len());
    for line in js.split_inclusive('\n') {
        let Some((items, path)) = snippet_import(line.trim_end()) else {
            out.push_str(line);
            continue;
        };
        let code = text(&out_dir.join(path))?.replace("export function ", "function ");
        if code.contains("export ") || code.contains("import ") {
            return Err(format!("{path}: only `export function` snippets can be inlined into the glue"));
        }
        out.push_str(&code);
        out.push('\n');
        for (name, alias) in items {
            if !code.contains(&format!("function {name}(")) {
                return Err(format!("{path} does not define {name}"));
            }
            if let Some(alias) = alias {
                let _ = writeln!(out, "const {alias} = {name};");
            }
        }
    }
    Ok(out)
}

fn short_hash(data: &[u8]) -> String {
    sha256_hex(data)[..12].to_owned()
}

fn hashed_name(stem: &str, ext: &str, data: &[u8]) -> String {
    format!("{stem}-{}.{ext}", short_hash(data))
}

/// Points the glue at the hashed wasm and makes it start itself (no inline
/// script needed in the page, so a strict CSP applies).
fn finish_glue(js: &str, lib: &str, wasm_name: &str, self_start: bool) -> Result<String> {
    let default = format!("{lib}_bg.wasm");
    if !js.contains(&default) {
        return Err(format!("the wasm-bindgen glue of {lib} does not name {default}"));
    }
    let mut out = js.replace(&default, wasm_name);
    if self_start {
        if !out.contains("__wbg_init as default") && !out.contains("export default __wbg_init") {
            return Err("the wasm-bindgen glue no longer exports __wbg_init".into());
        }
        out.push_str("\n__wbg_init();\n");
    }
    Ok(out)
}

/// npm terser, installed with binaryen by scripts/setup-web-toolchain.sh.
fn terser_bin(root: &Path) -> Result<PathBuf> {
    if let Ok(p) = std::env::var("TERSER") {
        return Ok(PathBuf::from(p));
    }
    let p = root.join("tests/browser/node_modules/.bin/terser");
    if p.exists() {
        Ok(p)
    } else {
        Err(format!("{} is missing; run scripts/setup-web-toolchain.sh (npm terser)", p.display()))
    }
}

/// Minifies JavaScript with terser (compress + mangle). `module`: an ES module
/// (the wasm-bindgen glue) rather than a classic script (the loader).
fn minify_js(root: &Path, name: &str, src: &str, module: bool) -> Result<String> {
    let dir = root.join("target/xtask-terser");
    std::fs::create_dir_all(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    let input = dir.join(name);
    let output = dir.join(format!("{name}.min"));
    write(&input, src.as_bytes())?;
    let mut cmd = Command::new(terser_bin(root)?);
    cmd.arg(&input).args(["--compress", "passes=2", "--mangle", "--output"]).arg(&output);
    if module {
        cmd.arg("--module");
    }
    run(&mut cmd)?;
    text(&output)
}

/// The demo storefront minus the loader's script tag: the baseline page of the
/// Lighthouse benchmark (`/examples/storefront-plain.html`), derived so the two
/// can never drift apart.
fn storefront_without_chat(html: &str) -> Result<String> {
    let kept: Vec<&str> = html.lines().filter(|l| !l.trim_start().starts_with("<script src=\"/embed.js\"")).collect();
    if kept.len() + 1 != html.lines().count() {
        return Err("examples/storefront.html must have exactly one <script src=\"/embed.js\" …> line".into());
    }
    Ok(kept.join("\n") + "\n")
}

fn gzip(data: &[u8]) -> Result<Vec<u8>> {
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    enc.write_all(data).map_err(|e| e.to_string())?;
    enc.finish().map_err(|e| e.to_string())
}

fn brotli(data: &[u8]) -> Result<Vec<u8>> {
    let mut out = Vec::new();
    {
        let mut w = brotli::CompressorWriter::new(&mut out, 4096, 11, 22);
        w.write_all(data).map_err(|e| e.to_string())?;
    }
    Ok(out)
}

/// One file of dist/, as recorded in the manifest.
#[derive(Debug)]
struct Entry {
    raw: usize,
    gz: usize,
    br: usize,
    sha256: String,
}

#[derive(Debug, Default)]
struct Dist {
    dir: PathBuf,
    entries: BTreeMap<String, Entry>,
}

impl Dist {
    fn add(&mut self, rel: &str, data: &[u8]) -> Result<()> {
        write(&self.dir.join(rel), data)?;
        let gz = gzip(data)?;
        let br = brotli(data)?;
        write(&self.dir.join(format!("{rel}.gz")), &gz)?;
        write(&self.dir.join(format!("{rel}.br")), &br)?;
        self.entries
            .insert(rel.to_owned(), Entry { raw: data.len(), gz: gz.len(), br: br.len(), sha256: sha256_hex(data) });
        Ok(())
    }
}

fn text(path: &Path) -> Result<String> {
    String::from_utf8(read(path)?).map_err(|e| format!("{}: {e}", path.display()))
}

/// Whether the agent console crate is ready to be built (another engineer's crate).
fn console_present(root: &Path) -> bool {
    let manifest = std::fs::read_to_string(root.join("agent-console/Cargo.toml")).unwrap_or_default();
    root.join("agent-console/index.html").exists()
        && (root.join("agent-console/src/main.rs").exists() || manifest.contains("crate-type"))
}

fn dist() -> Result<()> {
    let root = root();
    check_wasm_bindgen(&root)?;
    let source = source_hash(&root)?;
    // Built next to dist/ and swapped in at the end, so a relay build running
    // meanwhile never sees a half-written dist/.
    let dir = root.join("dist");
    let staging = root.join("target/dist.new");
    remove_dir(&staging)?;
    let mut d = Dist { dir: staging.clone(), ..Dist::default() };
    let mut names = BTreeMap::new();

    // The widget: wasm, self-starting glue, stylesheet, frame page.
    let (js, wasm) = build_wasm(&root, "natter-widget", "natter_widget")?;
    let wasm_name = hashed_name("natter_widget_bg", "wasm", &wasm);
    let js = minify_js(&root, "natter_widget.js", &finish_glue(&js, "natter_widget", &wasm_name, true)?, true)?;
    let js_name = hashed_name("natter_widget", "js", js.as_bytes());
    let css = read(&root.join("widget/widget.css"))?;
    let css_name = hashed_name("widget", "css", &css);
    d.add(&format!("assets/{wasm_name}"), &wasm)?;
    d.add(&format!("assets/{js_name}"), js.as_bytes())?;
    d.add(&format!("assets/{css_name}"), &css)?;
    let frame = text(&root.join("widget/index.html"))?
        .replace("{{CSS}}", &css_name)
        .replace("{{JS}}", &js_name)
        .replace("{{WASM}}", &wasm_name);
    d.add("frame.html", frame.as_bytes())?;
    names.insert("widget_js", js_name);
    names.insert("widget_wasm", wasm_name);
    names.insert("widget_css", css_name);

    // The loader keeps its fixed name (the shop's script tag); served with an ETag. Its
    // frame part is a hashed asset it names, loaded only when the chat is needed.
    let frame_part = minify_js(&root, "embed-frame.js", &text(&root.join("embed/frame.js"))?, false)?;
    let frame_part_name = hashed_name("embed-frame", "js", frame_part.as_bytes());
    d.add(&format!("assets/{frame_part_name}"), frame_part.as_bytes())?;
    let teaser_part = minify_js(&root, "embed-teaser.js", &text(&root.join("embed/teaser.js"))?, false)?;
    let teaser_part_name = hashed_name("embed-teaser", "js", teaser_part.as_bytes());
    d.add(&format!("assets/{teaser_part_name}"), teaser_part.as_bytes())?;
    let loader = text(&root.join("embed/embed.js"))?;
    if !loader.contains("{{FRAME_JS}}") || !loader.contains("{{TEASER_JS}}") {
        return Err("embed/embed.js must name its parts as {{FRAME_JS}} and {{TEASER_JS}}".into());
    }
    let loader = loader.replace("{{FRAME_JS}}", &frame_part_name).replace("{{TEASER_JS}}", &teaser_part_name);
    let embed = minify_js(&root, "embed.js", &loader, false)?;
    d.add("embed.js", embed.as_bytes())?;
    names.insert("embed_frame_js", frame_part_name);
    names.insert("embed_teaser_js", teaser_part_name);

    // Example storefronts.
    let mut examples = Vec::new();
    walk(&root.join("examples"), &mut examples)?;
    for f in examples {
        let rel = f.strip_prefix(root.join("examples")).unwrap_or(&f).to_string_lossy().replace('\\', "/");
        d.add(&format!("examples/{rel}"), &read(&f)?)?;
    }
    let plain = storefront_without_chat(&text(&root.join("examples/storefront.html"))?)?;
    d.add("examples/storefront-plain.html", plain.as_bytes())?;

    // The agent console, when its crate is there.
    if console_present(&root) {
        let (js, wasm) = build_wasm(&root, "natter-agent-console", "natter_agent_console")?;
        let wasm_name = hashed_name("natter_agent_console_bg", "wasm", &wasm);
        let glue = finish_glue(&js, "natter_agent_console", &wasm_name, false)?;
        let js = minify_js(&root, "natter_agent_console.js", &glue, true)?;
        let js_name = hashed_name("natter_agent_console", "js", js.as_bytes());
        d.add(&format!("console/{wasm_name}"), &wasm)?;
        d.add(&format!("console/{js_name}"), js.as_bytes())?;
        // The admin screens: a second module the inbox imports the first time
        // one is opened (it calls the glue's init itself), named in the page.
        let (admin_js, admin_wasm) = build_wasm(&root, "natter-console-admin", "natter_console_admin")?;
        let admin_wasm_name = hashed_name("natter_console_admin_bg", "wasm", &admin_wasm);
        let admin_glue = finish_glue(&admin_js, "natter_console_admin", &admin_wasm_name, false)?;
        let admin_js = minify_js(&root, "natter_console_admin.js", &admin_glue, true)?;
        let admin_js_name = hashed_name("natter_console_admin", "js", admin_js.as_bytes());
        d.add(&format!("console/{admin_wasm_name}"), &admin_wasm)?;
        d.add(&format!("console/{admin_js_name}"), admin_js.as_bytes())?;
        // The tab icon: without one the browser asks for /favicon.ico and gets a 404.
        let icon = read(&root.join("agent-console/favicon.svg"))?;
        let icon_name = hashed_name("favicon", "svg", &icon);
        d.add(&format!("console/{icon_name}"), &icon)?;
        let page = text(&root.join("agent-console/index.html"))?;
        if !page.contains("data-admin-js=\"./natter_console_admin.js\"") {
            return Err("agent-console/index.html must name the admin module in <body data-admin-js>".into());
        }
        let index = page
            .replace("natter_agent_console_bg.wasm", &wasm_name)
            .replace("natter_agent_console.js", &js_name)
            .replace("natter_console_admin.js", &admin_js_name)
            .replace("favicon.svg", &icon_name);
        d.add("console/index.html", index.as_bytes())?;
        names.insert("console_js", js_name);
        names.insert("console_wasm", wasm_name);
        names.insert("console_admin_js", admin_js_name);
        names.insert("console_admin_wasm", admin_wasm_name);
    } else {
        eprintln!("xtask: agent-console is not buildable yet; dist/console/ left out");
    }

    write_manifest(&d, &source, &names)?;
    write_files_rs(&d)?;
    remove_dir(&dir)?;
    std::fs::rename(&staging, &dir).map_err(|e| format!("{} -> {}: {e}", staging.display(), dir.display()))?;
    report(&d);
    Ok(())
}

fn remove_dir(dir: &Path) -> Result<()> {
    match std::fs::remove_dir_all(dir) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(format!("{}: {e}", dir.display())),
        _ => Ok(()),
    }
}

fn write_manifest(d: &Dist, source: &str, names: &BTreeMap<&str, String>) -> Result<()> {
    let files: serde_json::Map<String, serde_json::Value> = d
        .entries
        .iter()
        .map(|(k, e)| {
            (k.clone(), serde_json::json!({ "bytes": e.raw, "gzip": e.gz, "brotli": e.br, "sha256": e.sha256 }))
        })
        .collect();
    let manifest = serde_json::json!({
        "generated_by": "cargo xtask dist",
        "source_hash": source,
        "sources": SOURCES,
        "names": names,
        "files": files,
    });
    let text = serde_json::to_string_pretty(&manifest).map_err(|e| e.to_string())? + "\n";
    write(&d.dir.join("manifest.json"), text.as_bytes())
}

/// dist/files.rs: `include!`d by the relay's web module (relay/src/web/mod.rs
/// defines `DistFile`). Paths go through CARGO_MANIFEST_DIR of the relay crate.
fn write_files_rs(d: &Dist) -> Result<()> {
    let mut s = String::from(
        "// Generated by `cargo xtask dist`: every file of dist/ with its pre-compressed\n\
         // copies, included by relay/src/web/mod.rs. Do not edit.\n\
         &[\n",
    );
    let inc = |p: &str| format!("include_bytes!(concat!(env!(\"CARGO_MANIFEST_DIR\"), \"/../dist/{p}\"))");
    for (rel, e) in &d.entries {
        let _ = writeln!(
            s,
            "    DistFile {{ path: {rel:?}, etag: \"\\\"{}\\\"\", raw: {}, gzip: {}, brotli: {} }},",
            &e.sha256[..16],
            inc(rel),
            inc(&format!("{rel}.gz")),
            inc(&format!("{rel}.br")),
        );
    }
    s.push_str("]\n");
    write(&d.dir.join("files.rs"), s.as_bytes())
}

fn report(d: &Dist) {
    eprintln!("xtask: dist/ written ({} files):", d.entries.len());
    for (k, e) in &d.entries {
        eprintln!("  {k:<58} {:>9} raw {:>8} gz {:>8} br", e.raw, e.gz, e.br);
    }
}

fn check_dist() -> Result<()> {
    let root = root();
    let dir = root.join("dist");
    let manifest: serde_json::Value =
        serde_json::from_slice(&read(&dir.join("manifest.json"))?).map_err(|e| format!("dist/manifest.json: {e}"))?;
    let recorded = manifest["source_hash"].as_str().unwrap_or("");
    let current = source_hash(&root)?;
    if recorded != current {
        return Err(format!(
            "dist/ is stale: sources hash to {current}, dist/manifest.json records {recorded}; run `cargo xtask dist` and commit dist/"
        ));
    }
    let files = manifest["files"].as_object().ok_or("dist/manifest.json has no files")?;
    for (rel, e) in files {
        let data = read(&dir.join(rel))?;
        if e["sha256"].as_str() != Some(sha256_hex(&data).as_str()) {
            return Err(format!("dist/{rel} differs from dist/manifest.json; run `cargo xtask dist`"));
        }
        for ext in ["gz", "br"] {
            if !dir.join(format!("{rel}.{ext}")).exists() {
                return Err(format!("dist/{rel}.{ext} is missing; run `cargo xtask dist`"));
            }
        }
    }
    eprintln!("xtask: dist/ is up to date ({} files, sources {current})", files.len());
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_plain_storefront_is_the_storefront_without_the_loader() {
        let page = "<body>\n<h1>Shop</h1>\n<script src=\"/embed.js\" data-tenant=\"demo\" async></script>\n</body>\n";
        assert_eq!(storefront_without_chat(page).unwrap(), "<body>\n<h1>Shop</h1>\n</body>\n");
        assert!(storefront_without_chat("<body></body>").is_err());
    }

    #[test]
    fn glue_is_pointed_at_the_hashed_wasm() {
        let js = "x = new URL('w_bg.wasm', import.meta.url);\nexport { initSync, __wbg_init as default };\n";
        let out = finish_glue(js, "w", "w_bg-abc.wasm", true).unwrap();
        assert!(out.contains("'w_bg-abc.wasm'"));
        assert!(out.ends_with("__wbg_init();\n"));
        assert!(finish_glue("nothing", "w", "x", false).is_err());
    }

    #[test]
    fn inline_snippets_replace_their_imports() {
        let dir = std::env::temp_dir().join(format!("xtask-snippets-{}", std::process::id()));
        write(&dir.join("snippets/c-1/inline0.js"), b"export function load(u) { return import(u); }\n").unwrap();
        let js = "import { load, load as load2 } from './snippets/c-1/inline0.js';\nlet a = 1;\n";
        let out = inline_snippets(js, &dir).unwrap();
        assert_eq!(out, "function load(u) { return import(u); }\n\nconst load2 = load;\nlet a = 1;\n");
        write(&dir.join("snippets/c-1/inline1.js"), b"export const x = 1;\n").unwrap();
        assert!(inline_snippets("import { x } from './snippets/c-1/inline1.js';\n", &dir).is_err());
        assert_eq!(
            inline_snippets("import { y } from './other.js';\n", &dir).unwrap(),
            "import { y } from './other.js';\n"
        );
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn compression_round_trips() {
        let data = b"hello hello hello hello hello".repeat(20);
        let gz = gzip(&data).unwrap();
        let mut out = Vec::new();
        std::io::Read::read_to_end(&mut flate2::read::GzDecoder::new(&gz[..]), &mut out).unwrap();
        assert_eq!(out, data);
        let br = brotli(&data).unwrap();
        let mut out = Vec::new();
        std::io::Read::read_to_end(&mut brotli::Decompressor::new(&br[..], 4096), &mut out).unwrap();
        assert_eq!(out, data);
    }
}
