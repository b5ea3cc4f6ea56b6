"""Autograd basics: y = x + 2, z = 3 y², out = mean(z); out.backward() gives x.grad = 4.5."""
import torch

x = torch.ones(2, 2, requires_grad=True)
y = x + 2
z = y * y * 3
out = z.mean()
out.backward()
print(x.grad)
