"""Gradients accumulate: two backward passes add into .grad."""
import torch

w = torch.tensor([1.0, 2.0], requires_grad=True)
a = (w * 2).sum()
a.backward()
b = (w ** 2).sum()
b.backward()
print(w.grad)  # 2 + 2w
