// dyn_cxx: libstdc++ and libgcc_s on top of glibc: exceptions across
// shared-object boundaries (unwinding through libstdc++'s frames), threads
// from std::thread (libpthread, now in libc), iostreams, locale-free
// formatting, a map and a sort. Portable.
#include <algorithm>
#include <iostream>
#include <map>
#include <mutex>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

static int depth(int n)
{
	if (n == 0)
		throw std::out_of_range("bottom reached");
	return depth(n - 1) + 1;
}

int main()
{
	std::map<std::string, long> totals;
	std::mutex mu;
	std::vector<std::thread> threads;
	for (int i = 0; i < 6; i++)
		threads.emplace_back([&, i] {
			long s = 0;
			for (long j = 0; j < 200000; j++)
				s += j % (i + 3);
			std::lock_guard<std::mutex> g(mu);
			totals["t" + std::to_string(i)] = s;
		});
	for (auto &t : threads)
		t.join();
	for (auto &kv : totals)
		std::cout << kv.first << " " << kv.second << "\n";
	try {
		depth(50);
	} catch (const std::exception &e) {
		std::cout << "caught: " << e.what() << "\n";
	}
	std::vector<std::string> words{"pear", "apple", "fig", "banana"};
	std::sort(words.begin(), words.end());
	for (auto &w : words)
		std::cout << w << (w == words.back() ? "\n" : ",");
	try {
		std::vector<int> v(3);
		(void)v.at(7);
	} catch (const std::out_of_range &) {
		std::cout << "vector::at threw\n";
	}
	return 0;
}
