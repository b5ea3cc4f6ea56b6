"""Zeroing .grad between two backward passes: only the second one's gradient stays."""
import torch

w = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
first = (w * 5).sum()
first.backward()
w.grad.zero_()
second = (w * w).mean()
second.backward()
print(w.grad)
