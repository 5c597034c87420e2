//! Defs that call themselves, directly or through other defs.

use super::Checker;
use crate::diagnostics::Code;
use crate::program::Loc;

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

/// How many defs deep a call may go: `f` calling `g` calling `h` is 3. Each
/// level is an evaluation nested in the one before; a chain of 1,000
/// would overflow a worker thread's stack.
pub const MAX_DEF_DEPTH: usize = 64;

impl Checker {
    /// Reports a chain of def calls deeper than [`MAX_DEF_DEPTH`] (once, at
    /// the first def whose chain passes it). Runs after
    /// [`Checker::check_recursion`]: the calls form no cycle.
    pub(super) fn check_def_depth(&mut self) {
        let n = self.defs.len();
        // the longest chain starting at each def (itself included), and the
        // callee it goes through; computed in post-order without recursion
        let mut depth: Vec<usize> = vec![0; n];
        let mut via: Vec<Option<(usize, Loc)>> = vec![None; n];
        let mut done = vec![false; n];
        for start in 0..n {
            if done[start] {
                continue;
            }
            let mut stack: Vec<(usize, usize)> = vec![(start, 0)];
            let mut on_stack = vec![false; n];
            on_stack[start] = true;
            while let Some((def, next)) = stack.last().copied() {
                if let Some(&(callee, loc)) = self.defs[def].calls.get(next) {
                    if let Some(top) = stack.last_mut() {
                        top.1 += 1;
                    }
                    if !done[callee] && !on_stack[callee] {
                        on_stack[callee] = true;
                        stack.push((callee, 0));
                    } else if done[callee] && depth[callee] + 1 > depth[def] {
                        depth[def] = depth[callee] + 1;
                        via[def] = Some((callee, loc));
                    }
                } else {
                    stack.pop();
                    on_stack[def] = false;
                    depth[def] = depth[def].max(1);
                    done[def] = true;
                    // the caller takes this def's chain into account
                    if let Some(&(caller, _)) = stack.last() {
                        let loc = self.defs[caller].calls[stack.last().map_or(0, |t| t.1) - 1].1;
                        if depth[def] + 1 > depth[caller] {
                            depth[caller] = depth[def] + 1;
                            via[caller] = Some((def, loc));
                        }
                    }
                }
            }
        }
        let Some(first) = (0..n).find(|&d| depth[d] == MAX_DEF_DEPTH + 1) else {
            return;
        };
        let mut chain = vec![self.defs[first].compiled.name.clone()];
        let mut at = first;
        while let Some((next, _)) = via[at] {
            chain.push(self.defs[next].compiled.name.clone());
            at = next;
        }
        let shown = if chain.len() > 6 {
            format!(
                "{} → … → {}",
                chain[..3].join(" → "),
                chain[chain.len() - 2..].join(" → ")
            )
        } else {
            chain.join(" → ")
        };
        let loc = via[first].map_or(self.defs[first].loc, |(_, loc)| loc);
        let d = self.error(
            Code::DefDepthLimit,
            loc,
            format!(
                "def `{}` calls defs {} deep ({shown}); the limit is {MAX_DEF_DEPTH}",
                self.defs[first].compiled.name, depth[first]
            ),
            "this call goes one def too deep",
        );
        d.help
            .push("flatten the chain: compute intermediate values with `let` in one def".into());
    }
}
