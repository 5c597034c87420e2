//! The registry of stable diagnostic codes. A code is never reused for a
//! different problem; retired codes stay listed as retired.

macro_rules! codes {
    ($($(#[$doc:meta])* $name:ident = $code:literal, $summary:literal;)*) => {
        /// A stable diagnostic code: E1xx syntax, E2xx check, E3xx runtime,
        /// E4xx input records, W2xx check warnings.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        #[non_exhaustive]
        pub enum Code {
            $($(#[$doc])* $name,)*
        }

        impl Code {
            /// Every code, in order.
            pub const ALL: &'static [Code] = &[$(Code::$name,)*];

            /// The code as printed: `E202`.
            pub fn as_str(self) -> &'static str {
                match self { $(Code::$name => $code,)* }
            }

            /// A one-line description, for the README and `mapc explain`.
            pub fn summary(self) -> &'static str {
                match self { $(Code::$name => $summary,)* }
            }
        }

        /// The code as printed: `E300`.
        impl std::fmt::Display for Code {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        /// The code as a string, `"E300"`, as in a reject entry.
        impl serde::Serialize for Code {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }
    };
}

codes! {
    /// The text does not follow the grammar.
    Syntax = "E100", "syntax error: the text does not follow the grammar";
    /// A string literal has an escape mapc does not know.
    InvalidEscape = "E101", "invalid escape sequence in a string literal";
    /// A number literal cannot be represented.
    InvalidNumber = "E102", "number literal out of range";
    /// `x | 5`: the right of a pipe is not a function.
    PipeTarget = "E103", "the right-hand side of `|` is not a function call";
    /// Brackets, blocks and `if`/`for`/`match` nest more deeply than the limit.
    NestingLimit = "E104", "mapping nested too deeply";

    /// No built-in function or def has this name.
    UnknownFunction = "E200", "unknown function";
    /// A call has too many or too few arguments.
    ArgumentCount = "E201", "wrong number of arguments";
    /// An argument's type is known and wrong.
    ArgumentType = "E202", "argument of the wrong type";
    /// No lookup table has this name.
    UnknownTable = "E203", "unknown lookup table";
    /// No parameter has this name.
    UnknownParameter = "E204", "unknown parameter";
    /// No variable has this name here.
    UnknownVariable = "E205", "unknown variable";
    /// Two rules write the same target field.
    DuplicateTarget = "E206", "target field written twice";
    /// Two declarations share a name.
    DuplicateName = "E207", "name declared twice";
    /// An import cannot be resolved.
    Import = "E208", "import cannot be resolved";
    /// A CSV lookup table cannot be loaded.
    CsvTable = "E209", "CSV table cannot be loaded";
    /// A def calls itself, directly or through others.
    RecursiveDef = "E210", "recursive def";
    /// An unknown policy or policy value.
    InvalidPolicy = "E211", "invalid policy";
    /// Options that do not exist or contradict each other.
    InvalidOption = "E212", "invalid or conflicting option";
    /// A lambda where a value is expected, or the reverse.
    LambdaMisuse = "E213", "lambda in the wrong place";
    /// A named argument the function does not have.
    UnknownArgument = "E214", "unknown argument name";
    /// A parameter's declared type is not a type.
    InvalidType = "E215", "invalid type name";
    /// A table key is listed twice with different values.
    DuplicateKey = "E216", "table key with two values";
    /// A constant setting (a rounding mode, zone, unit, currency, format,
    /// duration) that the built-in refuses, so every record would fail.
    InvalidSetting = "E217", "constant argument every record would fail on";

    /// Defs call defs (that call defs, ...) more deeply than the limit.
    DefDepthLimit = "E220", "defs call each other too deeply";

    /// A `reject`, `skip` or `keep` guard after the first rule.
    GuardAfterRule = "E240", "record guard after a rule";
    /// `emit` of a value that cannot be a record.
    EmitValue = "E241", "`emit` value is not an object or a list of objects";
    /// An import or CSV path leads outside the mapping's folder and the
    /// folders allowed besides it.
    PathOutsideFolder = "E230", "import or CSV path outside the allowed folders";
    /// A `regex_replace` replacement names a group the pattern does not
    /// have (`$1x` names the group `1x`; write `${1}x`).
    ReplacementGroup = "E231", "replacement names a group the pattern does not have";
    /// With `--to csv`: a target field is a list or an object, which one CSV cell cannot hold.
    NotACellField = "E270", "target field cannot be a CSV cell";
    /// A `supplied` table has entries written in the mapping (only `_ => value` may be).
    SuppliedTableEntries = "E271", "entries written in a supplied table";
    /// `on_conflict` names no strategy (`target`, `source`, `reject`).
    UnknownConflictStrategy = "E280", "unknown conflict strategy";
    /// A rule's `reverse { ... }` reads a field the mapping's rules do not write.
    ReverseUnknownTarget = "E281", "`reverse` reads a field the mapping does not write";
    /// `reverse { ... }` on a rule in a `for` body or a def, or nested too deeply.
    ReversePlace = "E282", "`reverse` where it cannot be used";
    /// `mapc reverse` and `apply --reverse` of a mapping that `emit`s: which emitted record goes back where is not known.
    ReverseEmits = "E283", "a mapping that `emit`s does not map back";
    /// `key FIELD` on a rule whose value is not a `for` list.
    KeyNotOnFor = "E284", "`key` on a rule that is not a `for` list";
    /// `key FIELD` names no field the `for` body writes.
    UnknownPairKey = "E285", "`key` names no field of the list's elements";

    /// A required target field has no value.
    RequiredMissing = "E300", "required field has no value";
    /// A value has the wrong type for what is done with it.
    TypeMismatch = "E301", "value of the wrong type";
    /// A value is not in a lookup table that has no fallback.
    NotInTable = "E302", "value not in lookup table";
    /// Arithmetic overflowed.
    Overflow = "E303", "arithmetic overflow";
    /// Division or remainder by zero.
    DivisionByZero = "E304", "division by zero";
    /// A division has no exact decimal result.
    InexactDivision = "E305", "division has no exact result";
    /// A number cannot be represented exactly for arithmetic.
    NumberRange = "E306", "number out of range for exact arithmetic";
    /// No arm of a `match` matched.
    NoMatch = "E307", "no match arm for value";
    /// A function's argument has the right type but a bad value.
    InvalidArgument = "E308", "invalid argument value";
    /// A condition is not a boolean.
    NotBoolean = "E309", "condition is not a boolean";
    /// The mapping called `fail(...)`.
    Fail = "E310", "the mapping rejected the record";
    /// A parameter is missing or has a value of the wrong type.
    ParameterValue = "E311", "parameter missing or invalid";
    /// A limit (nesting depth, size) was exceeded.
    Limit = "E312", "limit exceeded";
    /// A currency code that is not in the ISO 4217 table.
    UnknownCurrency = "E313", "unknown currency code";
    /// A value does not parse in any accepted format.
    Unparseable = "E314", "value does not parse";
    /// A value could be read more than one way.
    Ambiguous = "E315", "ambiguous value";
    /// A conversion (to minor units, between units) has no exact result.
    InexactConversion = "E316", "conversion has no exact result";
    /// A time zone name that is not in the IANA database.
    UnknownTimeZone = "E317", "unknown time zone";
    /// A local time that a daylight-saving change skips or repeats.
    LocalTime = "E318", "local time skipped or repeated by a daylight-saving change";
    /// A built-in needs "now" or a default time zone the environment lacks.
    MissingEnvironment = "E319", "the environment lacks \"now\" or a default time zone";
    /// A country code or name that is not in ISO 3166.
    UnknownCountry = "E320", "unknown country code or name";
    /// A value breaks a stated constraint (length, range, pattern, one-of, type).
    Constraint = "E321", "value breaks a constraint";
    /// An input value (record or parameter) nests more deeply than the limit.
    InputDepthLimit = "E330", "input value nested too deeply";
    /// A value or the output record would be larger than its limit.
    SizeLimit = "E331", "value or output larger than its limit";
    /// A record took more evaluation steps or built more bytes than its budget.
    Budget = "E332", "record passed its evaluation budget";
    /// `assert_type(value, "integer")` on a value of another type.
    TypeAssertion = "E360", "value is not of the asserted type";

    /// A date or time lies outside the years 0000 to 9999, which RFC 3339
    /// (and so the output) can write.
    DateRange = "E340", "date or time outside the years 0000 to 9999";
    /// With `--to csv`: a mapped value is a list or an object, or a field has no column.
    NotACell = "E380", "value cannot be written as a CSV cell";
    /// With `--to xml`: a target field's name is not an XML name, or an attribute or text holds a list or an object.
    NotXml = "E381", "value cannot be written as XML";
    /// A `supplied` table is missing from the environment, is not declared, or has a key twice or a key that is not a scalar.
    TableValue = "E382", "supplied table missing or invalid";

    /// An input record is not valid JSON.
    InvalidJson = "E400", "input record is not valid JSON";
    /// The output failed (disk full, closed pipe) before the record's line
    /// was written whole: it is rejected, so that it is not lost.
    OutputFailed = "E410", "record not written: the output failed";
    /// An object of the input record has the same key twice.
    DuplicateInputKey = "E411", "input record has a key twice";
    /// An input record is JSON but not an object (`null`, `42`, `[1, 2]`).
    NotAnObject = "E420", "input record is not an object";
    /// A `reject "reason" if ...` guard rejected the record.
    Rejected = "E421", "a `reject` guard rejected the record";
    /// [`Mapping::apply`](crate::Mapping::apply) met a record that a `skip` or `keep` guard leaves out.
    Skipped = "E422", "record skipped by a guard (use `apply_all` to tell skips from errors)";
    /// `emit` gave something that is not an object.
    EmitNotObject = "E423", "`emit` gave a value that is not an object";
    /// A CSV row has more or fewer cells than the header.
    CsvWidth = "E430", "CSV row has the wrong number of cells";
    /// An input record is not valid in the declared encoding (UTF-8 unless `--encoding`).
    InputEncoding = "E431", "input record is not valid in its encoding";
    /// An XML record is not well-formed, or uses an entity mapc does not expand (DTD entities never are).
    InvalidXml = "E432", "input record is not well-formed XML";
    /// `apply --reverse --onto`: a target record whose key no original has.
    UnpairedTarget = "E460", "target record has no original to write back into";
    /// `apply --reverse`: the derived reverse mapping fails on a target record.
    ReverseFailed = "E461", "target record cannot be mapped back";
    /// `apply --reverse --previous`: a field changed on both sides since the last sync.
    SyncConflict = "E462", "field changed on both sides since the last sync";

    /// A table is declared and never used.
    UnusedTable = "W200", "table never used";
    /// A parameter is declared and never used.
    UnusedParameter = "W201", "parameter never used";
    /// A `let` is never used.
    UnusedLet = "W202", "`let` never used";
    /// A name shadows another one in scope.
    ShadowedName = "W203", "name shadows another";
    /// A table key is listed twice with the same value.
    RepeatedKey = "W204", "table key listed twice";
    /// A target field is written on every branch of an `if` chain but one.
    BranchMissingField = "W205", "field written on every branch but one";
    /// An imported file has top-level rules, which an import ignores.
    IgnoredImportRules = "W206", "imported file's rules are ignored";
    /// A source path that the sample or schema given with `--source` does not have.
    UnknownSourcePath = "W207", "source path not in the sample or schema";
    /// A target field that the schema given with `--target` requires and the mapping never writes.
    TargetFieldMissing = "W208", "required target field never written";
    /// A target field the mapping writes that the schema given with `--target` does not have.
    TargetFieldUnknown = "W209", "target field not in the schema";
    /// A `for` index that the body never uses.
    UnusedIndex = "W210", "`for` index never used";
    /// A source value whose type in the source schema is not what it is used as.
    SourceTypeMismatch = "W211", "source field's type in the schema does not fit its use";
    /// A target field written with a value of a type the target schema does not allow.
    TargetTypeMismatch = "W212", "target field written with the wrong type";
    /// A target field the target schema requires, written by an `optional` rule.
    OptionalForRequired = "W213", "required target field written by an optional rule";
    /// Growth the checker can see: a list from the record scanned inside a
    /// loop over another (quadratic), or defs that copy their argument
    /// called on each other's values (exponential).
    Growth = "W220", "work or size grows faster than the record";
    /// `.x catch y`: a plain path raises no error when the field is missing
    /// or null, so `catch` is probably meant as `??` or `default`.
    CatchOnPath = "W250", "`catch` on a plain path, which missing and null do not trigger";
    /// `concat("SO-", .number) required`: a constant part means the result
    /// always has a value, so the option never applies.
    ConcatNeverMissing = "W251", "`concat` with a constant part always has a value";
    /// A `dst` choice under an old name (`"earlier"`, `"later"`) that did
    /// not say what it does to a skipped time.
    OldDstName = "W260", "old `dst` choice name";
    /// A rule's `reverse { ... }` writes a source path the rule itself does not read.
    ReverseWritesUnread = "W280", "`reverse` writes a source path the rule does not read";
}
