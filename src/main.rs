fn main() {
    let args: Vec<String> = std::env::args().collect();
    let mapping = match mapc::Mapping::from_file(&args[1]) {
        Ok(m) => m,
        Err(e) => {
            eprintln!("{e}");
            std::process::exit(3);
        }
    };
    let text = std::fs::read_to_string(&args[2]).unwrap();
    let record: serde_json::Value = serde_json::from_str(&text).unwrap();
    match mapping.apply(&record) {
        Ok(v) => println!("{}", serde_json::to_string_pretty(&v).unwrap()),
        Err(e) => {
            for err in &e.errors {
                eprintln!("{}", err.to_diagnostic(None));
            }
        }
    }
}
