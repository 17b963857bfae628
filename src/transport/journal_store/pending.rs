//! Record changes waiting to be written: a run changes an item many times a second
//! (read, sent, settling, done), and only the latest version of each needs to reach
//! the browser's database, in one transaction.

use std::collections::BTreeMap;

/// Records by item index; the latest put for an index wins.
#[derive(Debug)]
pub(crate) struct Pending<T> {
    by_index: BTreeMap<usize, T>,
}

impl<T> Default for Pending<T> {
    fn default() -> Self {
        Pending {
            by_index: BTreeMap::new(),
        }
    }
}

impl<T> Pending<T> {
    pub fn put(&mut self, index: usize, record: T) {
        self.by_index.insert(index, record);
    }

    pub fn is_empty(&self) -> bool {
        self.by_index.is_empty()
    }

    /// Everything waiting, in index order, leaving nothing behind.
    pub fn take(&mut self) -> Vec<(usize, T)> {
        std::mem::take(&mut self.by_index).into_iter().collect()
    }

    /// Puts back the records of a write that failed, unless a newer version was put since.
    pub fn restore(&mut self, failed: Vec<(usize, T)>) {
        for (index, record) in failed {
            self.by_index.entry(index).or_insert(record);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_latest_put_per_index_wins_and_comes_out_in_index_order() {
        let mut pending = Pending::<String>::default();
        pending.put(7, "seven v1".into());
        pending.put(2, "two".into());
        pending.put(7, "seven v2".into());
        let batch = pending.take();
        assert_eq!(
            batch,
            vec![(2, "two".to_string()), (7, "seven v2".to_string())]
        );
        assert!(pending.is_empty());
    }

    #[test]
    fn a_failed_write_comes_back_without_overwriting_newer_puts() {
        let mut pending = Pending::<String>::default();
        pending.put(1, "one v1".into());
        pending.put(2, "two v1".into());
        let failed = pending.take();
        pending.put(2, "two v2".into());
        pending.restore(failed);
        let batch = pending.take();
        assert_eq!(
            batch,
            vec![(1, "one v1".to_string()), (2, "two v2".to_string())]
        );
    }
}
