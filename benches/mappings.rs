//! Mappings the benches share.

/// A 300-line mapping: a table, a def, and rules of every common shape.
pub fn big_mapping() -> String {
    let mut text = String::from(
        "table status (ignore_case) {\n  \"paid\", \"authorized\" => \"PAID\"\n  \"pending\" => \"PENDING\"\n  _ => \"UNKNOWN\"\n}\n\
         def address(a) {\n  street = a.line1 | trim\n  city = a.city required\n}\n",
    );
    let mut lines = text.lines().count();
    let mut i = 0;
    while lines < 300 {
        let rule = match i % 6 {
            0 => format!("f{i} = .customer.email | trim | lower optional\n"),
            1 => format!("f{i} = .amount / 100 default 0\n"),
            2 => format!("f{i} = lookup(.status, status)\n"),
            3 => format!("f{i} = address(.billing_details.address)\n"),
            4 => format!("f{i} = if .paid then concat(\"x\", .id) else null\n"),
            _ => format!("f{i} = join([.a{i}, .b.c, .d[0]], \", \")\n"),
        };
        text.push_str(&rule);
        lines += 1;
        i += 1;
    }
    text
}
