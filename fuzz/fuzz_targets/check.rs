//! Parse and check arbitrary text as a mapping, and render every
//! diagnostic: never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        match mapc::Mapping::compile(text) {
            Ok(mapping) => {
                let _ = mapping.apply(&mapc::json::json!({}));
            }
            Err(error) => {
                let _ = mapc::diagnostics::render_all(error.diagnostics());
            }
        }
    }
});
