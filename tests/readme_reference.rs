//! The README's built-in reference is generated from the table; this test
//! fails when it is stale. `UPDATE_README=1 cargo test --test
//! readme_reference` (or `MAPC_UPDATE_README=1`) rewrites the section
//! between the markers.

const START: &str = "<!-- functions:start -->";
const END: &str = "<!-- functions:end -->";

#[test]
fn readme_reference_matches_the_builtin_table() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/README.md");
    let readme = std::fs::read_to_string(path).expect("README.md");
    let (Some(start), Some(end)) = (readme.find(START), readme.find(END)) else {
        panic!("README.md lacks the markers {START} and {END}");
    };
    let current = &readme[start + START.len()..end];
    let expected = format!("\n{}", mapc::stdlib::reference_markdown());
    if current == expected {
        return;
    }
    if std::env::var_os("UPDATE_README").is_some()
        || std::env::var_os("MAPC_UPDATE_README").is_some()
    {
        let updated = format!("{}{START}{expected}{}", &readme[..start], &readme[end..]);
        std::fs::write(path, updated).expect("write README.md");
        return;
    }
    panic!(
        "the built-in reference in README.md is stale; run \
         `UPDATE_README=1 cargo test --test readme_reference` to regenerate it"
    );
}
