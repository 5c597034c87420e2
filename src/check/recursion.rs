//! Defs that call themselves, directly or through other defs.

use super::Checker;
use crate::diagnostics::Code;

impl Checker {
    /// Reports defs that call themselves, directly or through other defs.
    pub(super) fn check_recursion(&mut self) {
        let n = self.defs.len();
        // 0 = unvisited, 1 = on the stack, 2 = done
        let mut state = vec![0u8; n];
        let mut reported = vec![false; n];
        for start in 0..n {
            let mut stack: Vec<(usize, usize)> = vec![(start, 0)];
            if state[start] != 0 {
                continue;
            }
            state[start] = 1;
            while let Some((def, next)) = stack.last().copied() {
                if let Some(&(callee, call_loc)) = self.defs[def].calls.get(next) {
                    if let Some(top) = stack.last_mut() {
                        top.1 += 1;
                    }
                    match state[callee] {
                        0 => {
                            state[callee] = 1;
                            stack.push((callee, 0));
                        }
                        1 if !reported[callee] => {
                            reported[callee] = true;
                            let cycle: Vec<String> = stack
                                .iter()
                                .skip_while(|(d, _)| *d != callee)
                                .map(|(d, _)| self.defs[*d].compiled.name.clone())
                                .chain(std::iter::once(self.defs[callee].compiled.name.clone()))
                                .collect();
                            let def_loc = self.defs[callee].loc;
                            let d = self.error(
                                Code::RecursiveDef,
                                call_loc,
                                format!(
                                    "def `{}` calls itself: {}",
                                    self.defs[callee].compiled.name,
                                    cycle.join(" → ")
                                ),
                                "recursive call",
                            );
                            d.notes.push(
                                "mappings are total: no recursion, so every mapping ends".into(),
                            );
                            let _ = def_loc;
                        }
                        _ => {}
                    }
                } else {
                    state[def] = 2;
                    stack.pop();
                }
            }
        }
    }
}
