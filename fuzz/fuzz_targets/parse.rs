//! Parse arbitrary text as a mapping: never a panic, whatever the text.
#![no_main]

use libfuzzer_sys::fuzz_target;
use mapc::diagnostics::SourceFile;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        let file = SourceFile::new("fuzz.map", text);
        let _ = mapc::syntax::parse(&file);
    }
});
