"""Intermediate tensors keep no .grad unless asked: y.retain_grad()."""
import torch

x = torch.tensor([2.0, -1.0], requires_grad=True)
y = x * 3
y.retain_grad()
z = (y ** 2).sum()
z.backward()
print(x.grad, y.grad)
