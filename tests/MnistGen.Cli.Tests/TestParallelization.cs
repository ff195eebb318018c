// Many of these tests train or load models in this process through the real command. LibTorch's global state
// (seed, thread count, allocator) is shared by every thread of a process, and two trainings running side by side
// in it once failed inside LibTorch ("Expected false to be true") on a clean machine; run the classes one at a time.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
