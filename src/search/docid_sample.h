// DocidSample: a Xapian posting source that matches a regular part of the
// document-id space, used as a filter to rank and count a broad query over
// a sample of its matches instead of all of them. Internal to src/search.
#pragma once

#include <cstdint>
#include <string>

#include <xapian.h>

namespace bevara::search {

// Matches the docids d in [first, last] with (d - first) % stride < take:
// the first `take` ids of every `stride`. With take == stride it is the
// whole range (a window); with a small take it is an evenly spread sample.
// Ids that no document holds are "matched" too; the source is only ever
// used as the right side of OP_FILTER, which intersects it with real ones.
//
// REQUIRES: 1 <= first <= last, 1 <= take <= stride.
// Thread-safety: one instance per query (Xapian clones it per database).
class DocidSample : public Xapian::PostingSource {
 public:
  DocidSample(Xapian::docid first, Xapian::docid last, Xapian::docid stride, Xapian::docid take);

  Xapian::doccount get_termfreq_min() const override { return 0; }
  Xapian::doccount get_termfreq_est() const override { return count_; }
  Xapian::doccount get_termfreq_max() const override { return count_; }
  void init(const Xapian::Database&) override { current_ = 0; }
  void next(double) override { Seek(current_ + 1); }
  void skip_to(Xapian::docid did, double) override {
    if (did > current_) Seek(did);
  }
  bool at_end() const override { return current_ > last_; }
  Xapian::docid get_docid() const override { return static_cast<Xapian::docid>(current_); }
  Xapian::PostingSource* clone() const override { return new DocidSample(first_, last_, stride_, take_); }
  std::string get_description() const override;

 private:
  // Moves to the first sampled id at or after `did`.
  void Seek(uint64_t did);

  uint64_t first_, last_, stride_, take_;
  Xapian::doccount count_;
  uint64_t current_ = 0;  // 0: not started
};

}  // namespace bevara::search
