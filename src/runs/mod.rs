//! Runs carry out work: the executor drives the core's workflows (every write), and
//! reads go through one retrying reader. Nothing here knows which screen asked.

pub mod executor;
pub mod reads;
